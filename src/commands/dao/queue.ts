import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { proposalModelFlag } from '../../cli/governance.js'
import { queueProposal, type QueueProposalReturnType } from '../../core/actions/dao/queueProposal.js'

export default class DaoQueue extends BaseCommand<typeof DaoQueue> {
  static override summary = "Queue a passed proposal in the model's timelock."
  static override examples = ['<%= config.bin %> <%= command.id %> 7', '<%= config.bin %> <%= command.id %> 2 --model 3 --json']
  static override args = { id: Args.string({ description: 'Proposal id (sequential per model).', required: true }) }
  static override flags = { ...signerFlags, ...proposalModelFlag }

  async run(): Promise<QueueProposalReturnType> {
    const result = await queueProposal(this.ctx, { proposalId: this.args.id, modelId: this.flags.model, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Queued proposal ${result.proposalId} of model ${result.modelId}; executable from ${new Date((result.eta ?? 0) * 1000).toISOString()} (transaction ${result.transactionHash}).`)
    return result
  }
}
