import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { proposalModelFlag } from '../../cli/governance.js'
import { stakeOnVersion, type StakeOnVersionReturnType } from '../../core/actions/staking/stakeOnVersion.js'
import { formatToken } from '../../core/shares/market.js'

export default class StakeAgainst extends BaseCommand<typeof StakeAgainst> {
  static override summary = 'Stake the payment token against the weights version a proposal promotes, before its vote opens.'
  static override description = 'Executed: "for" wins; defeated or not executed in time: "against" wins. Winners share the losers\' stakes, less the shareholders\' cut. Stakes never change votes.'
  static override examples = ['<%= config.bin %> <%= command.id %> 3 --amount 50', '<%= config.bin %> <%= command.id %> 3 --model 1 --amount 12.5 --json']
  static override args = { id: Args.string({ description: 'Proposal id of a version proposal.', required: true }) }
  static override flags = { ...signerFlags, ...proposalModelFlag, amount: Flags.string({ summary: 'Amount of the payment token (e.g. 50 or 12.5).', required: true }) }

  async run(): Promise<StakeOnVersionReturnType> {
    const r = await stakeOnVersion(this.ctx, { proposalId: this.args.id, modelId: this.flags.model, side: 'against', amount: this.flags.amount, onProgress: (e) => this.transactionProgress(e) })
    const t = r.paymentToken
    this.log(`Staked ${formatToken(r.amount, t)} against proposal ${r.proposalId} of model ${r.modelId} (transaction ${r.transactionHash}).`)
    this.log(`Pool: for ${formatToken(r.totalFor, t)} · against ${formatToken(r.totalAgainst, t)}. Claim after the DAO decides: \`modeldao stake claim\`.`)
    return r
  }
}
