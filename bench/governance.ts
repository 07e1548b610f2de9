// Governance gas, from one forge run of GovernanceGas: each operation of a model's DAO next to the same operation on a
// stock OpenZeppelin Governor over an ERC20Votes token (the anchor) with the same settings, measured the same way.
import { forgeGas } from './gas.js'
import { ratio, sidesOf, type Benchmark } from './types.js'

export const governanceBenchmark: Benchmark = {
  name: 'governance',
  description: "Gas of a model DAO's operations vs a stock OpenZeppelin Governor + ERC20Votes, one forge run",
  async run() {
    const { rows, get } = forgeGas('GovernanceGas')
    const vs = (ours: string) => get(ours) / get(`anchor_${ours}`)
    const against = (ours: string) => sidesOf(rows, ours, `anchor_${ours}`)
    return {
      rows,
      ratios: [
        ratio('castVote / OZ Governor castVote', vs('cast_vote'), { op: '<=', value: 1.2 }, against('cast_vote')),
        ratio('castVote while "for" leads (super quorum checked) / OZ', vs('cast_vote_for_leading'), undefined, against('cast_vote_for_leading')),
        ratio('castVoteWithReason / OZ', vs('cast_vote_with_reason'), undefined, against('cast_vote_with_reason')),
        ratio('castVoteBySig / OZ', vs('cast_vote_by_sig'), undefined, against('cast_vote_by_sig')),
        ratio('propose (registers the vote snapshot) / OZ', vs('propose'), undefined, against('propose')),
        ratio('queue / OZ', vs('queue'), undefined, against('queue')),
        ratio('execute setManifest / OZ', vs('execute_set_manifest'), undefined, against('execute_set_manifest')),
        ratio('DAO full deployment / clones', get('dao_full_deploy_total') / get('dao_create_clones'), { op: '>=', value: 4 }, sidesOf(rows, 'dao_full_deploy_total', 'dao_create_clones')),
        ratio("transfer a griefer's snapshot would cause / transfer now (stranger refused)", get('transfer_after_registered_snapshot') / get('transfer_after_strangers_snapshot_attempt'), { op: '>=', value: 2 }, sidesOf(rows, 'transfer_after_registered_snapshot', 'transfer_after_strangers_snapshot_attempt')),
      ],
    }
  },
}
