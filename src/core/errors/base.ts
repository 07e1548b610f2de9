import { errorCatalogue, ExitCode, type ErrorCode } from './codes.js'

export { ExitCode, errorCatalogue, type ErrorCode, type CatalogueCode, type RevertCode } from './codes.js'

export type ModeldaoErrorOptions = {
  /** What went on around the failure (values, paths). Shown under the message. */
  details?: string | undefined
  /** What the user can do next. One line each. */
  hints?: readonly string[] | undefined
  cause?: unknown
}

/** The exit code of an error code: the catalogue's, and 3 (input refused) for every contract revert. */
export function exitCodeOf(code: ErrorCode): ExitCode {
  return code in errorCatalogue ? errorCatalogue[code as keyof typeof errorCatalogue].exitCode : ExitCode.invalidInput
}

/**
 * Base of every error modeldao throws on purpose. `code` is stable and machine-readable (one meaning each, see
 * errorCatalogue); `shortMessage` says what went wrong in one line; `hints` say how to fix it. Commands render it as
 * text or as JSON with the same fields.
 */
export class ModeldaoError extends Error {
  override name = 'ModeldaoError'
  readonly code: ErrorCode
  readonly shortMessage: string
  readonly details: string | undefined
  readonly hints: readonly string[]
  readonly exitCode: ExitCode

  constructor(code: ErrorCode, shortMessage: string, options: ModeldaoErrorOptions = {}) {
    const lines = [shortMessage]
    if (options.details) lines.push('', `Details: ${options.details}`)
    for (const hint of options.hints ?? []) lines.push(`Hint: ${hint}`)
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.details = options.details
    this.hints = options.hints ?? []
    this.exitCode = exitCodeOf(code)
  }

  toJSON(): { code: ErrorCode; message: string; details?: string; hints: readonly string[] } {
    return {
      code: this.code,
      message: this.shortMessage,
      ...(this.details ? { details: this.details } : {}),
      hints: this.hints,
    }
  }
}

/** The message of any thrown value, for `details` fields. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return (cause as { shortMessage?: string }).shortMessage ?? cause.message
  return String(cause)
}

/** Ctrl-C or SIGTERM stopped long work; what was done is kept and a re-run resumes. */
export class InterruptedError extends ModeldaoError {
  override name = 'InterruptedError'
  constructor(what: string, resumeHint: string) {
    super('INTERRUPTED', `${what} was interrupted.`, { hints: [resumeHint] })
  }
}

/** A transaction needs a yes and none can be asked for. */
export class ConfirmationRequiredError extends ModeldaoError {
  override name = 'ConfirmationRequiredError'
  constructor() {
    super('CONFIRMATION_REQUIRED', 'This sends a transaction and needs confirmation.', { hints: ['Run it in a terminal to confirm, or pass --yes.'] })
  }
}

export class CancelledError extends ModeldaoError {
  override name = 'CancelledError'
  constructor() {
    super('CANCELLED', 'Cancelled; nothing was sent.')
  }
}

export class DiskFullError extends ModeldaoError {
  override name = 'DiskFullError'
  constructor(folder: string, retryHint: string) {
    super('DISK_FULL', `The disk holding ${folder} is full.`, { hints: [retryHint] })
  }
}

export class AddressInvalidError extends ModeldaoError {
  override name = 'AddressInvalidError'
  constructor(what: string, value: string) {
    super('ADDRESS_INVALID', `${what} "${value}" is not an address.`, { hints: ['An address is 0x followed by 40 hex digits.'] })
  }
}
