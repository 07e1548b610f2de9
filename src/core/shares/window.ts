import { parseDuration } from '../units/duration.js'
import { parseTime } from '../units/time.js'
import { TimeInvalidError } from '../units/errors.js'

/**
 * An offer's start or end as unix seconds: "now", a delay after `base` ("90m", "7d" — the chain's time, which on a
 * local chain can run ahead of the wall clock), or an ISO 8601 time.
 * @throws {TimeInvalidError}
 */
export function parseWindowTime(text: string, base: number, what: string): number {
  const value = text.trim()
  if (value.toLowerCase() === 'now') return base
  if (/^(\d+[smhdw])+$/i.test(value)) return base + parseDuration(value)
  if (/^\d+$/.test(value)) throw new TimeInvalidError(what, `${value} (give a unit, e.g. ${value}s, or an ISO time)`)
  return Math.floor(Date.parse(parseTime(value, what)) / 1000)
}
