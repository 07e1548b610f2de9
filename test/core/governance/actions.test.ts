import { decodeFunctionData, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { protocolArtifacts } from '../../../src/core/chain/protocol/registry.js'
import { describeActions, paramsActions, proposalKind, quorumOrder, versionActions } from '../../../src/core/governance/actions.js'

const addresses = {
  modelShares: '0x0000000000000000000000000000000000000001' as Address,
  datasetRegistry: '0x0000000000000000000000000000000000000002' as Address,
  qualityStaking: '0x0000000000000000000000000000000000000003' as Address,
  governor: '0x0000000000000000000000000000000000000004' as Address,
}
const token = { symbol: 'tUSD', decimals: 6 }

describe('proposal actions', () => {
  it('orders quorum changes so the governor never sees quorum above super quorum', () => {
    expect(quorumOrder({ quorum: 20, superQuorum: 60 }, { quorumPercent: 10, superQuorumPercent: 15 })).toBe('quorum-first') // 20 > 15: lower the quorum first
    expect(quorumOrder({ quorum: 20, superQuorum: 60 }, { quorumPercent: 70, superQuorumPercent: 80 })).toBe('super-first') // raise the super quorum first
    expect(quorumOrder({ quorum: 20, superQuorum: 60 }, { quorumPercent: 70 })).toBeUndefined() // 70 > 60 at the end
    expect(quorumOrder({ quorum: 20, superQuorum: 60 }, { superQuorumPercent: 10 })).toBeUndefined()
    const names = (order: 'super-first' | 'quorum-first') =>
      paramsActions(addresses, 1, { quorumPercent: 10, superQuorumPercent: 15 }, order).map((a) => decodeFunctionData({ abi: protocolArtifacts.ModelGovernor.abi, data: a.calldata }).functionName)
    expect(names('quorum-first')).toEqual(['updateQuorumNumerator', 'updateSuperQuorumNumerator'])
    expect(names('super-first')).toEqual(['updateSuperQuorumNumerator', 'updateQuorumNumerator'])
  })

  it('decodes actions into words and tells the kind', () => {
    const version = describeActions(versionActions(addresses, 3, 'bafkreiv2'), addresses, token)
    expect(version.map((a) => a.text)).toEqual(["promote version bafkreiv2 (the model's canonical weights manifest)"])
    expect(proposalKind(version)).toBe('version')
    const params = describeActions(paramsActions(addresses, 3, { pricePerRequest: 2_500n, feeShareBps: 7500, stakingCutBps: 250 }), addresses, token)
    expect(params.map((a) => a.text)).toEqual([
      'set the price per request to 0.0025 tUSD',
      "schedule the shareholders' fee share at 75% (effective 8 days after execution)",
      "set the shareholders' cut of losing quality stakes to 2.5%",
    ])
    expect(proposalKind(params)).toBe('params')
    expect(describeActions([{ target: '0x00000000000000000000000000000000000000ff', value: 0n, calldata: '0x12345678' }], addresses, token)[0]!.text).toBe('call 0x00000000000000000000000000000000000000ff with 0x12345678…')
  })
})
