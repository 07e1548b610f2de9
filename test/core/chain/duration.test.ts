import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../../src/core/units/duration.js'
import { InvalidDurationError } from '../../../src/core/units/errors.js'

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['7d', 604_800],
    ['1w', 604_800],
    ['1d12h', 129_600],
    [' 1H30M ', 5400],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds)
  })

  it.each(['', 'abc', '1y', '1d x', '-5m', '1.5h'])('rejects %j with a hint', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError)
    expect(() => parseDuration(text)).toThrow(/90s, 15m, 2h, 7d, 1w/)
  })
})
