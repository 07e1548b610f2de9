import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { proposalModelFlag } from '../../cli/governance.js'
import { cancelProposal, type CancelProposalReturnType } from '../../core/actions/dao/cancelProposal.js'

export default class DaoCancel extends BaseCommand<typeof DaoCancel> {
  static override summary = "Cancel a proposal (its proposer while pending; the DAO's guardian any time before execution, unless it was defeated)."
  static override examples = ['<%= config.bin %> <%= command.id %> 7', '<%= config.bin %> <%= command.id %> 2 --model 3 --json']
  static override args = { id: Args.string({ description: 'Proposal id (sequential per model).', required: true }) }
  static override flags = { ...signerFlags, ...proposalModelFlag }

  async run(): Promise<CancelProposalReturnType> {
    const result = await cancelProposal(this.ctx, { proposalId: this.args.id, modelId: this.flags.model, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Cancelled proposal ${result.proposalId} of model ${result.modelId} (transaction ${result.transactionHash}).`)
    return result
  }
}
