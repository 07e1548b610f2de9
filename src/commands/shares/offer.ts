import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { addressFlag } from '../../cli/flags.js'
import { createOffer, type CreateOfferReturnType } from '../../core/actions/shares/createOffer.js'
import { formatToken } from '../../core/shares/market.js'

export default class SharesOffer extends BaseCommand<typeof SharesOffer> {
  static override summary = 'Put shares of a model on sale at a fixed price (a first sale or a resale).'
  static override description = `The shares are escrowed in the share market until bought, cancelled (any time, \`shares cancel\`) or, after
--end, withdrawn. Fees they earn meanwhile are still yours. On a resale the model's royalty goes to its receiver.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 1 --amount 1000 --price 2.5',
    '<%= config.bin %> <%= command.id %> 1 --amount 50 --price 4 --start 1h --end 7d',
    '<%= config.bin %> <%= command.id %> 1 --amount 50 --price 4 --end 2026-12-31T00:00:00Z --json',
  ]
  static override args = { modelId: Args.string({ description: 'Model id.', required: true }) }
  static override flags = {
    ...signerFlags,
    amount: Flags.string({ summary: 'Whole shares to sell.', required: true }),
    price: Flags.string({ summary: 'Price of one share in the payment token (e.g. 2.5).', required: true }),
    start: Flags.string({ summary: 'When buying opens: ISO time, "now", or a delay such as 1h (chain time). Default now.' }),
    end: Flags.string({ summary: 'When buying closes: ISO time or a delay such as 7d. Default: open until cancelled.' }),
    token: addressFlag({ summary: 'ERC-20 buyers pay in (default: the deployment’s payment token).' }),
  }

  async run(): Promise<CreateOfferReturnType> {
    const { flags } = this
    const result = await createOffer(this.ctx, {
      modelId: this.args.modelId,
      amount: flags.amount,
      price: flags.price,
      start: flags.start,
      end: flags.end,
      paymentToken: flags.token,
      onProgress: (e) => this.transactionProgress(e),
    })
    const window = `${result.start ? `from ${new Date(result.start * 1000).toISOString()} ` : ''}${result.end ? `until ${new Date(result.end * 1000).toISOString()}` : 'until cancelled'}`
    this.log(`Offer ${result.offeringId}: ${result.amount} shares of model ${result.modelId} at ${formatToken(result.pricePerShare, result.paymentToken)} each, ${window}.`)
    this.log(`  transaction ${result.transactionHash}`)
    return result
  }
}
