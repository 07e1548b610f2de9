import { InvalidDurationError } from './errors.js'

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }

/**
 * Parses `90s`, `15m`, `2h`, `7d`, `1w`, combinations such as `1d12h`, or plain seconds, into whole seconds.
 * @throws {InvalidDurationError}
 * @example parseDuration('1d12h') // 129600
 */
export function parseDuration(value: string): number {
  const text = value.trim().toLowerCase()
  if (/^\d+$/.test(text)) return Number(text)
  const parts = [...text.matchAll(/(\d+)([smhdw])/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new InvalidDurationError(value)
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * unitSeconds[unit!]!, 0)
}
