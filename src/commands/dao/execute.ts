import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { proposalModelFlag } from '../../cli/governance.js'
import { executeProposal, type ExecuteProposalReturnType } from '../../core/actions/dao/executeProposal.js'

export default class DaoExecute extends BaseCommand<typeof DaoExecute> {
  static override summary = "Execute a queued proposal once its timelock delay has passed."
  static override examples = ['<%= config.bin %> <%= command.id %> 7', '<%= config.bin %> <%= command.id %> 2 --model 3 --json']
  static override args = { id: Args.string({ description: 'Proposal id (sequential per model).', required: true }) }
  static override flags = { ...signerFlags, ...proposalModelFlag }

  async run(): Promise<ExecuteProposalReturnType> {
    const result = await executeProposal(this.ctx, { proposalId: this.args.id, modelId: this.flags.model, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Executed proposal ${result.proposalId} of model ${result.modelId} (transaction ${result.transactionHash}).`)
    return result
  }
}
