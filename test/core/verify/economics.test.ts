import { describe, expect, it } from 'vitest'
import { cheatingPays, detectionProbability, requestsToDetect } from '../../../src/core/verify/economics.js'

describe('spot-check arithmetic', () => {
  it('detection curve 1 − (1 − p·f)^n', () => {
    expect(detectionProbability(0.1, 1, 0)).toBe(0)
    expect(detectionProbability(1, 1, 1)).toBe(1)
    expect(detectionProbability(0.1, 0.5, 50)).toBeCloseTo(1 - 0.95 ** 50, 12)
    expect(detectionProbability(0, 1, 1e6)).toBe(0)
  })

  it('requests until 99% detection, and the edges', () => {
    const n = requestsToDetect(0.1, 1, 0.99)
    expect(n).toBe(44)
    expect(detectionProbability(0.1, 1, n)).toBeGreaterThanOrEqual(0.99)
    expect(detectionProbability(0.1, 1, n - 1)).toBeLessThan(0.99)
    expect(requestsToDetect(1, 1, 0.99)).toBe(1)
    expect(requestsToDetect(0, 1, 0.99)).toBe(Number.POSITIVE_INFINITY)
    expect(() => requestsToDetect(0.1, 1, 1)).toThrow(RangeError)
    expect(() => detectionProbability(1.5, 1, 1)).toThrow(/probe rate/)
  })

  it('cheating pays only while p × slash ≤ gain', () => {
    expect(cheatingPays(0.01, 1000, 5)).toEqual({ expectedLossPerRequest: 10, pays: false, minProbeRate: 0.005 })
    expect(cheatingPays(0.001, 1000, 5).pays).toBe(true)
  })
})
