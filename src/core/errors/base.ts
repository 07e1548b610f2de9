/** Exit codes shared by every command. Stable: scripts depend on them. */
export const ExitCode = {
  /** Something failed that the user cannot fix by changing input (a bug, an I/O failure). */
  internal: 1,
  /** Bad usage: unknown flag, bad flag value, missing argument. */
  usage: 2,
  /** Input was understood but is not acceptable (wrong password, corrupt file, wrong chain). */
  invalidInput: 3,
  /** Something the command needs is missing or unreachable (RPC down, binary missing, port taken). */
  unavailable: 4,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export type ModeldaoErrorOptions = {
  /** What went on around the failure (values, paths). Shown under the message. */
  details?: string | undefined
  /** What the user can do next. One line each. */
  hints?: readonly string[] | undefined
  cause?: unknown
  exitCode?: ExitCode | undefined
}

/**
 * Base of every error modeldao throws on purpose. `code` is stable and machine-readable; `shortMessage` says what
 * went wrong in one line; `hints` say how to fix it. Commands render it as text or as JSON with the same fields.
 */
export class ModeldaoError extends Error {
  override name = 'ModeldaoError'
  readonly code: string
  readonly shortMessage: string
  readonly details: string | undefined
  readonly hints: readonly string[]
  readonly exitCode: ExitCode

  constructor(code: string, shortMessage: string, options: ModeldaoErrorOptions = {}) {
    const lines = [shortMessage]
    if (options.details) lines.push('', `Details: ${options.details}`)
    for (const hint of options.hints ?? []) lines.push(`Hint: ${hint}`)
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.details = options.details
    this.hints = options.hints ?? []
    this.exitCode = options.exitCode ?? ExitCode.invalidInput
  }

  toJSON(): { code: string; message: string; details?: string; hints: readonly string[] } {
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
