import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { transferShares, type TransferSharesReturnType } from '../../core/actions/shares/transferShares.js'

export default class SharesTransfer extends BaseCommand<typeof SharesTransfer> {
  static override summary = 'Send shares of a model to an address or a keystore of this home.'
  static override description = 'Fees the shares earned before the transfer stay claimable by you; fees paid in after it go to the receiver.'
  static override examples = ['<%= config.bin %> <%= command.id %> 1 bob --amount 10', '<%= config.bin %> <%= command.id %> 1 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --amount 10 --json']
  static override args = {
    modelId: Args.string({ description: 'Model id.', required: true }),
    to: Args.string({ description: 'Receiver: an address or a keystore name.', required: true }),
  }
  static override flags = { ...signerFlags, amount: Flags.string({ summary: 'Whole shares to send.', required: true }) }

  async run(): Promise<TransferSharesReturnType> {
    const result = await transferShares(this.ctx, { modelId: this.args.modelId, to: this.args.to, amount: this.flags.amount, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Sent ${result.amount} shares of model ${result.modelId} to ${result.to} (transaction ${result.transactionHash}).`)
    return result
  }
}
