import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { progress, proposalModelFlag, tallyBar } from '../../cli/governance.js'
import { getProposal, type ProposalView } from '../../core/actions/dao/getProposal.js'
import { SUPPORT_NAMES } from '../../core/actions/dao/castVote.js'
import { formatToken } from '../../core/shares/market.js'

export default class DaoShow extends BaseCommand<typeof DaoShow> {
  static override summary = 'Show a proposal: description, actions in words, votes, quorum and super-quorum progress, time left.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7', '<%= config.bin %> <%= command.id %> 2 --model 3 --json']
  static override args = { id: Args.string({ description: 'Proposal id (sequential per model).', required: true }) }
  static override flags = { ...signerFlags, ...proposalModelFlag }

  async run(): Promise<ProposalView> {
    const p = await getProposal(this.ctx, { proposalId: this.args.id, modelId: this.flags.model })
    const s = p.status
    this.log(`Proposal ${p.proposalId} of model ${p.modelId} · ${s.state} · ${p.kind}`)
    this.log(`${p.title}`)
    this.log(`Proposed by ${p.proposer} in block ${p.createdBlock}; ${p.timeLeft}.`)
    this.log('')
    this.log('Actions:')
    for (const a of p.actions) this.log(`  - ${a.text}`)
    this.log('')
    const forVotes = BigInt(s.votes.for)
    this.log(`Votes: for ${s.votes.for} · against ${s.votes.against} · abstain ${s.votes.abstain}  [${tallyBar(s.votes)}]`)
    this.log(`Quorum (for + abstain): ${progress(forVotes + BigInt(s.votes.abstain), s.quorum)}`)
    this.log(`Super quorum (for, passes early): ${progress(forVotes, s.superQuorum)}`)
    if (s.account) this.log(`You (${s.account.address}): ${s.account.votingPower} votes${s.account.atSnapshot ? ' at the snapshot' : ' now (the snapshot is ahead)'}${s.account.hasVoted ? ', voted' : ''}.`)
    if (p.round) {
      const r = p.round
      const outcome = r.resolved ? ['unresolved', 'promoted: "for" won', 'rejected: "against" won', 'refunded'][r.resolved.outcome] : 'open'
      this.log(`Quality stakes: for ${formatToken(r.totalFor, p.paymentToken)} · against ${formatToken(r.totalAgainst, p.paymentToken)} from ${r.stakers} stakers; cut ${r.cutBps / 100}%; ${outcome}.`)
    }
    if (p.votes.length) {
      this.log('')
      this.log('Votes cast:')
      for (const v of p.votes) this.log(`  ${v.voter} ${SUPPORT_NAMES[v.support]} ${v.weight}${v.reason ? ` — ${v.reason}` : ''}`)
    }
    this.log('')
    this.log(p.description.trimEnd())
    return p
  }
}
