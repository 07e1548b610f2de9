import {
  PINNING_TOKEN_ENV,
  PinningRequestRejectedError,
  PinningServiceFailedError,
  PinningServiceUnreachableError,
  PinningUnauthorizedError,
} from './errors.js'
import type { Pin, PinQuery, PinResults, PinStatus } from './types.js'

export type PinningClientOptions = {
  /** The service's base URL (the API's paths, `/pins…`, go under it). */
  url: string
  /** The access token, sent as `Authorization: Bearer …`; never put in messages. */
  token: string
  /** Where the token came from, named when the service refuses it (default MODELDAO_PINNING_TOKEN). */
  tokenSource?: string | undefined
  /** Per-request time limit in ms (default 30 s). */
  timeoutMs?: number | undefined
}

/** A pin request's status while it is followed. */
export type WaitForPinProgress = { status: PinStatus; seconds: number }

export type WaitForPinOptions = {
  signal?: AbortSignal | undefined
  /** Called on every status read (the first one included). */
  onProgress?: ((progress: WaitForPinProgress) => void) | undefined
  /** First poll interval in ms (default 500); grows to `maxIntervalMs` (default 5 s). */
  intervalMs?: number | undefined
  maxIntervalMs?: number | undefined
}

/** The calls of the IPFS Pinning Service API, bound to one service and token. */
export type PinningClient = {
  readonly url: string
  /** `POST /pins`: asks the service to pin; answers at once with the request (usually `queued`). */
  add(pin: Pin, options?: { signal?: AbortSignal | undefined }): Promise<PinStatus>
  /** `GET /pins/{requestid}`. */
  get(requestid: string, options?: { signal?: AbortSignal | undefined }): Promise<PinStatus>
  /** `GET /pins` with filters (the service's default: the 10 newest pinned). */
  list(query?: PinQuery, options?: { signal?: AbortSignal | undefined }): Promise<PinResults>
  /** `POST /pins/{requestid}`: a new request replacing the old one, without collecting blocks both share. */
  replace(requestid: string, pin: Pin, options?: { signal?: AbortSignal | undefined }): Promise<PinStatus>
  /** `DELETE /pins/{requestid}`. */
  remove(requestid: string, options?: { signal?: AbortSignal | undefined }): Promise<void>
  /** Follows a request until it is `pinned` or `failed` (returned, not thrown), or the signal aborts. */
  waitForPin(requestid: string, options?: WaitForPinOptions): Promise<PinStatus>
}

/** `GET /pins` query string: arrays comma-separated (what kubo sends; the server also takes repeated keys). */
export function pinQueryString(query: PinQuery): string {
  const params = new URLSearchParams()
  if (query.cid?.length) params.set('cid', query.cid.join(','))
  if (query.name !== undefined) params.set('name', query.name)
  if (query.match) params.set('match', query.match)
  if (query.status?.length) params.set('status', query.status.join(','))
  if (query.before) params.set('before', query.before)
  if (query.after) params.set('after', query.after)
  if (query.limit !== undefined) params.set('limit', String(query.limit))
  if (query.meta) params.set('meta', JSON.stringify(query.meta))
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * A client of a remote pinning service (the IPFS Pinning Service API, as kubo's `ipfs pin remote` speaks it).
 * Failures are typed: unreachable, 401 (naming where the token came from), 4xx with the service's reason, 5xx.
 * @example
 * const service = createPinningClient({ url: 'https://pin.example.com', token })
 * const { requestid } = await service.add({ cid, origins: ['/ip4/203.0.113.5/tcp/4001/p2p/12D3Koo…'] })
 * const status = await service.waitForPin(requestid, { onProgress: ({ status }) => console.log(status.status) })
 */
export function createPinningClient(options: PinningClientOptions): PinningClient {
  const base = options.url.replace(/\/+$/, '')
  const tokenSource = options.tokenSource ?? PINNING_TOKEN_ENV

  async function call(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<{ status: number; json: unknown }> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000)
    const send = () =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
    let response: Response
    try {
      try {
        response = await send()
      } catch (error) {
        // A kept-alive connection the server closed as we reused it: idempotent calls are safe to send once more.
        if (method === 'POST' || signal?.aborted || timeout.aborted) throw error
        response = await send()
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error
      throw new PinningServiceUnreachableError(base, timeout.aborted ? new Error(`no answer in ${(options.timeoutMs ?? 30_000) / 1000} s`) : error)
    }
    const text = await response.text().catch(() => '')
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    if (response.status === 401 || response.status === 403) throw new PinningUnauthorizedError(base, tokenSource)
    if (!response.ok) {
      const failure = (json as { error?: { reason?: unknown; details?: unknown } } | undefined)?.error
      const reason = typeof failure?.reason === 'string' ? failure.reason : undefined
      const details = typeof failure?.details === 'string' ? failure.details : undefined
      if (response.status < 500) throw new PinningRequestRejectedError(base, response.status, reason ?? `HTTP_${response.status}`, details)
      throw new PinningServiceFailedError(base, `HTTP ${response.status}${reason ? ` ${reason}` : ''}${details ? `: ${details}` : ''}`)
    }
    return { status: response.status, json }
  }

  const pinStatus = (json: unknown): PinStatus => {
    const value = json as Partial<PinStatus> | undefined
    if (!value || typeof value.requestid !== 'string' || typeof value.status !== 'string' || !value.pin) {
      throw new PinningServiceFailedError(base, 'the answer is not a PinStatus object')
    }
    return { ...value, delegates: value.delegates ?? [] } as PinStatus
  }

  const client: PinningClient = {
    url: base,
    async add(pin, { signal } = {}) {
      return pinStatus((await call('POST', '/pins', pin, signal)).json)
    },
    async get(requestid, { signal } = {}) {
      return pinStatus((await call('GET', `/pins/${encodeURIComponent(requestid)}`, undefined, signal)).json)
    },
    async list(query = {}, { signal } = {}) {
      const json = (await call('GET', `/pins${pinQueryString(query)}`, undefined, signal)).json as Partial<PinResults> | undefined
      if (!json || typeof json.count !== 'number' || !Array.isArray(json.results)) throw new PinningServiceFailedError(base, 'the answer is not a PinResults object')
      return { count: json.count, results: json.results.map(pinStatus) }
    },
    async replace(requestid, pin, { signal } = {}) {
      return pinStatus((await call('POST', `/pins/${encodeURIComponent(requestid)}`, pin, signal)).json)
    },
    async remove(requestid, { signal } = {}) {
      await call('DELETE', `/pins/${encodeURIComponent(requestid)}`, undefined, signal)
    },
    async waitForPin(requestid, waitOptions = {}) {
      const started = performance.now()
      let interval = waitOptions.intervalMs ?? 500
      for (;;) {
        const status = await client.get(requestid, { signal: waitOptions.signal })
        waitOptions.onProgress?.({ status, seconds: (performance.now() - started) / 1000 })
        if (status.status === 'pinned' || status.status === 'failed') return status
        await sleep(interval, waitOptions.signal)
        interval = Math.min(Math.round(interval * 1.5), waitOptions.maxIntervalMs ?? 5_000)
      }
    },
  }
  return client
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
