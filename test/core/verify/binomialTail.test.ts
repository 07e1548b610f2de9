import { describe, expect, it } from 'vitest'
import { binomialTail } from '../../../src/core/verify/replay.js'

describe('binomialTail', () => {
  it('is P(X ≥ k) of a binomial, exact at the edges', () => {
    expect(binomialTail(10, 0, 0.3)).toBe(1)
    expect(binomialTail(10, 11, 0.3)).toBe(0)
    expect(binomialTail(4, 4, 0.5)).toBeCloseTo(1 / 16, 12)
    expect(binomialTail(4, 2, 0.5)).toBeCloseTo(11 / 16, 12)
    expect(binomialTail(3, 1, 0.1)).toBeCloseTo(1 - 0.9 ** 3, 12)
  })

  it('stays finite and monotone for long receipts and tiny rates', () => {
    expect(binomialTail(4096, 1, 1e-6)).toBeCloseTo(1 - (1 - 1e-6) ** 4096, 9)
    const tail = binomialTail(2000, 1900, 0.05)
    expect(tail).toBeGreaterThanOrEqual(0)
    expect(tail).toBeLessThan(1e-300)
    expect(binomialTail(64, 15, 0.05)).toBeLessThan(binomialTail(64, 10, 0.05))
  })
})
