import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { cancelOffer, type CancelOfferReturnType } from '../../core/actions/shares/cancelOffer.js'

export default class SharesCancel extends BaseCommand<typeof SharesCancel> {
  static override summary = 'Cancel your offer: its unsold shares come back to you at once.'
  static override examples = ['<%= config.bin %> <%= command.id %> 3', '<%= config.bin %> <%= command.id %> 3 --account alice --json']
  static override args = { offerId: Args.string({ description: 'Offer id (see `shares offers`).', required: true }) }
  static override flags = { ...signerFlags }

  async run(): Promise<CancelOfferReturnType> {
    const result = await cancelOffer(this.ctx, { offeringId: this.args.offerId, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Cancelled offer ${result.offeringId}: ${result.returned} shares of model ${result.modelId} returned (transaction ${result.transactionHash}).`)
    return result
  }
}
