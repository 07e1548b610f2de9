import { TimeInvalidError } from './errors.js'

/**
 * An ISO 8601 time from user input: "now", or anything Date can read, normalised to UTC ISO.
 * @throws {TimeInvalidError}
 * @example parseTime('2026-11-25') // '2026-11-25T00:00:00.000Z'
 */
export function parseTime(value: string, what = 'The time'): string {
  const time = value.trim().toLowerCase() === 'now' ? Date.now() : Date.parse(value)
  if (Number.isNaN(time)) throw new TimeInvalidError(what, value)
  return new Date(time).toISOString()
}
