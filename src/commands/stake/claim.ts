import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { claimStakes, type ClaimStakesReturnType } from '../../core/actions/staking/claimStakes.js'
import { formatToken } from '../../core/shares/market.js'

export default class StakeClaim extends BaseCommand<typeof StakeClaim> {
  static override summary = 'Claim what your quality stakes earned in every decided round (or one model\'s, or one proposal\'s).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --model 1 --proposal 3 --json']
  static override flags = {
    ...signerFlags,
    model: Flags.string({ summary: 'Only rounds of this model.' }),
    proposal: Flags.string({ summary: 'Only this proposal (with --model when ids repeat across models).' }),
  }

  async run(): Promise<ClaimStakesReturnType> {
    const r = await claimStakes(this.ctx, { modelId: this.flags.model, proposalId: this.flags.proposal, onProgress: (e) => this.transactionProgress(e) })
    for (const c of r.claims) this.log(`Proposal ${c.proposalId} of model ${c.modelId} (${c.outcome}): ${formatToken(c.amount, r.paymentToken)} (transaction ${c.transactionHash})`)
    this.log(`Claimed ${formatToken(r.total, r.paymentToken)} in all.`)
    return r
  }
}
