import { describeCause, ModeldaoError } from '../../errors/base.js'

/** The env var a pinning token is read from (the CLI's default source; named in messages, never its value). */
export const PINNING_TOKEN_ENV = 'MODELDAO_PINNING_TOKEN'

export class PinningTokenMissingError extends ModeldaoError {
  override name = 'PinningTokenMissingError'
  constructor(reason: string, hint = `Set ${PINNING_TOKEN_ENV}, or pass a file holding only the token.`) {
    super('PINNING_TOKEN_MISSING', `No pinning service token: ${reason}.`, { hints: [hint] })
  }
}

export class PinningServiceUnreachableError extends ModeldaoError {
  override name = 'PinningServiceUnreachableError'
  constructor(url: string, cause: unknown) {
    super('PINNING_SERVICE_UNREACHABLE', `The pinning service at ${url} does not answer.`, {
      details: describeCause(cause),
      hints: ['Check the URL, and that the service runs (`modeldao ipfs daemon --pinning-api` serves one).'],
      cause,
    })
  }
}

export class PinningUnauthorizedError extends ModeldaoError {
  override name = 'PinningUnauthorizedError'
  constructor(url: string, tokenSource: string) {
    super('PINNING_UNAUTHORIZED', `The pinning service at ${url} refused the access token (HTTP 401).`, {
      hints: [`Check the token in ${tokenSource}: it must be the one the service was started with.`],
    })
  }
}

/** A 4xx answer other than 401: the service understood the request and refused it, saying why. */
export class PinningRequestRejectedError extends ModeldaoError {
  override name = 'PinningRequestRejectedError'
  readonly status: number
  readonly reason: string
  constructor(url: string, status: number, reason: string, details?: string) {
    super('PINNING_REQUEST_REJECTED', `The pinning service at ${url} rejected the request: ${reason} (HTTP ${status}).`, {
      details,
      hints: [reason === 'NOT_FOUND' ? 'The request id is unknown to that service (removed, or another service).' : 'Fix the request as the service says.'],
    })
    this.status = status
    this.reason = reason
  }
}

/** A 5xx answer, or one that is not the API's JSON. */
export class PinningServiceFailedError extends ModeldaoError {
  override name = 'PinningServiceFailedError'
  constructor(url: string, what: string) {
    super('PINNING_SERVICE_FAILED', `The pinning service at ${url} failed: ${what}.`, { hints: ['Try again later, or ask the operator of the service.'] })
  }
}

/** The service gave up on a request (status `failed`). */
export class PinFailedError extends ModeldaoError {
  override name = 'PinFailedError'
  constructor(cid: string, url: string, info: string | undefined) {
    super('PIN_FAILED', `The pinning service at ${url} could not pin ${cid}.`, {
      details: info,
      hints: ['Give an origin that has the content and that the service can reach (--origin with a multiaddr or gateway URL).'],
    })
  }
}

export class PinningOriginRequiredError extends ModeldaoError {
  override name = 'PinningOriginRequiredError'
  constructor(cid: string, url: string) {
    super('PINNING_ORIGIN_REQUIRED', `The pinning service at ${url} does not have ${cid} yet, and no origin was given.`, {
      hints: ['Pass --origin with the multiaddr or gateway URL of a node that has it (`modeldao ipfs daemon` prints both).'],
    })
  }
}

export class PinningListenError extends ModeldaoError {
  override name = 'PinningListenError'
  constructor(host: string, port: number, cause: unknown) {
    super('PINNING_LISTEN_FAILED', `Cannot start the pinning service API on ${host}:${port}.`, {
      details: describeCause(cause),
      hints: ['Pick another port with --pinning-port (0 = any free port).'],
      cause,
    })
  }
}
