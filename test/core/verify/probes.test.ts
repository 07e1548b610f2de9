// Probe shapes are drawn like client traffic from the OS's randomness; the shipped corpus is large and varied.
import { describe, expect, it } from 'vitest'
import { drawDeposit, drawProbeShape, PROBE_CORPUS } from '../../../src/core/verify/probes.js'

describe('probe shapes', () => {
  it('ships 820 distinct client-like prompts', () => {
    expect(PROBE_CORPUS).toHaveLength(820)
    expect(new Set(PROBE_CORPUS).size).toBe(820)
  })

  it('mix greedy, sampled and default temperatures, set and unset lengths, both schemes; a supplied corpus and a length cap are honoured', () => {
    const shapes = Array.from({ length: 4000 }, () => drawProbeShape({ prompts: ['a', 'b'], maxTokensCap: 100 }))
    const share = (f: (s: (typeof shapes)[number]) => boolean) => shapes.filter(f).length / shapes.length
    expect(share((s) => s.temperature === undefined)).toBeCloseTo(0.5, 1)
    expect(share((s) => s.temperature === 0)).toBeCloseTo(0.15, 1)
    expect(share((s) => s.maxTokens === undefined)).toBeCloseTo(0.45, 1)
    expect(share((s) => s.pay === 'exact')).toBeCloseTo(0.2, 1)
    expect(shapes.every((s) => ['a', 'b'].includes(s.prompt) && (s.maxTokens === undefined || s.maxTokens <= 100))).toBe(true)
  })

  it('fund a probe channel with a round client-like deposit, not one fixed amount (the old probes all opened 1.000000)', () => {
    const deposits = Array.from({ length: 2000 }, () => drawDeposit(6))
    const tokens = new Set(deposits.map((d) => Number(d / 1_000_000n)))
    expect([...tokens].sort((a, b) => a - b)).toEqual([1, 2, 5, 10, 20])
    expect(deposits.every((d) => d % 1_000_000n === 0n)).toBe(true)
    expect(deposits.filter((d) => d === 1_000_000n).length / deposits.length).toBeCloseTo(0.15, 1)
    expect(drawDeposit(18, () => 0)).toBe(10n ** 18n)
    // A wallet of 12 tokens keeps half for probes paid per request: 1, 2 or 5 tokens; with under 1, the smallest.
    const capped = new Set(Array.from({ length: 500 }, () => drawDeposit(6, undefined, 6_000_000n) / 1_000_000n))
    expect([...capped].sort((a, b) => Number(a - b))).toEqual([1n, 2n, 5n])
    expect(drawDeposit(6, undefined, 10n)).toBe(1_000_000n)
  })
})
