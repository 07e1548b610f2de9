import { describe, expect, it } from 'vitest'
import { bondsUpTo, disputeRule, economicStake, slashSplit, voteRisk, type DisputeParams } from '../../../src/core/disputes/economics.js'
import { RECEIPT_CHALLENGE_PARAMS } from '../../../src/core/chain/protocol/registry.js'

const params: DisputeParams = { ...RECEIPT_CHALLENGE_PARAMS }
const units = (n: number) => BigInt(n) * 1_000_000n

describe('dispute economics', () => {
  it('prices the shipped defaults: 40 of stake decides a first round, 80 an appeal', () => {
    expect(economicStake(params, 0)).toBe(units(40))
    expect(economicStake(params, 1)).toBe(units(80))
    expect(bondsUpTo(params, 1)).toBe(units(3))
  })

  it('makes a bought quorum at the economic stake lose at least what its round moves', () => {
    for (const quorumBps of [1, 3_333, 5_000, 10_000]) {
      for (const penaltyBps of [1, 777, 1_000, 10_000]) {
        const p = { ...params, quorumBps, penaltyBps }
        for (const round of [0, 1]) {
          const rule = disputeRule(p, economicStake(p, round)).rounds[round]!
          expect(rule.decidedBy).toBe('validators')
          // Within rounding of the two divisions (a quorum and a risk, each floored by at most one unit).
          expect(rule.boughtQuorumLoses + 2n).toBeGreaterThanOrEqual(rule.moves)
          const below = disputeRule(p, economicStake(p, round) - 1n).rounds[round]!
          expect(below.decidedBy).toBe('dao')
        }
      }
    }
  })

  it('splits a slash with the payer capped at what it paid', () => {
    expect(slashSplit(params, units(1), 2_600n)).toEqual({ toChallenger: 250_000n, toPayer: 2_600n, burned: 747_400n })
    expect(slashSplit(params, units(1), units(5))).toEqual({ toChallenger: 250_000n, toPayer: 500_000n, burned: 250_000n })
    expect(voteRisk(params, units(50))).toBe(units(5))
  })
})
