import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { confirm } from '../../cli/confirm.js'
import { yesFlag } from '../../cli/flags.js'
import { percent } from '../../cli/table.js'
import { buyShares, type BuySharesReturnType } from '../../core/actions/shares/buyShares.js'
import type { QuoteBuyReturnType } from '../../core/actions/shares/quoteBuy.js'
import { formatToken } from '../../core/shares/market.js'

export default class SharesBuy extends BaseCommand<typeof SharesBuy> {
  static override summary = 'Buy shares of a model from the cheapest open offers (or one offer), after showing the cost.'
  static override description = `Shows every fill (offer, shares, price, royalty to the model's receiver), the total cost and the part of the
model's fees the shares will earn, and asks before paying (--yes skips; under --json or without a terminal --yes is
required). Approves exactly the total cost for the share market when the allowance is short. Each offer is bought
with its exact cost as the limit, so a price can never move against you.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 1 --amount 100',
    '<%= config.bin %> <%= command.id %> 1 --amount 100 --max-price 2.5 --yes',
    '<%= config.bin %> <%= command.id %> 1 --amount 10 --offer 4 --yes --json',
  ]
  static override args = { modelId: Args.string({ description: 'Model id.', required: true }) }
  static override flags = {
    ...signerFlags,
    ...yesFlag,
    amount: Flags.string({ summary: 'Whole shares to buy.', required: true }),
    'max-price': Flags.string({ summary: 'Most to pay for one share, in the payment token; dearer offers are skipped.' }),
    offer: Flags.string({ summary: 'Buy from this offer only.' }),
  }

  async run(): Promise<BuySharesReturnType> {
    const { flags } = this
    const result = await buyShares(this.ctx, {
      modelId: this.args.modelId,
      amount: flags.amount,
      maxPrice: flags['max-price'],
      offeringId: flags.offer,
      confirm: (quote) => {
        if (!this.jsonEnabled()) for (const line of describeQuote(quote)) this.log(line)
        return confirm(`Pay ${formatToken(quote.totalCost, quote.paymentToken)} for ${quote.amount} shares of model ${quote.modelId}?`, flags.yes, { json: this.jsonEnabled() })
      },
      onProgress: (e) => this.transactionProgress(e),
    })
    this.log(`Bought ${result.amount} shares of model ${result.modelId} for ${formatToken(result.totalCost, result.paymentToken)}:`)
    for (const fill of result.bought) this.log(`  offer ${fill.offeringId}: ${fill.amount} shares, transaction ${fill.transactionHash}`)
    return result
  }
}

/** The quote as the buyer reads it before saying yes. */
export function describeQuote(quote: QuoteBuyReturnType): string[] {
  const token = quote.paymentToken
  const lines = [`Buying ${quote.amount} shares of model ${quote.modelId} as ${quote.buyer}:`]
  for (const fill of quote.fills) {
    const royalty = BigInt(fill.royalty) > 0n ? `, of which ${formatToken(fill.royalty, token)} royalty to ${fill.royaltyReceiver}` : ''
    lines.push(`  offer ${fill.offeringId}: ${fill.amount} × ${formatToken(fill.pricePerShare, token)} = ${formatToken(fill.cost, token)} to ${fill.seller}${royalty}`)
  }
  const shareBps = Number((BigInt(quote.amount) * 1_000_000n) / BigInt(quote.supply)) / 100
  lines.push(`  total ${formatToken(quote.totalCost, token)} (royalties ${formatToken(quote.totalRoyalty, token)})`)
  lines.push(`  these shares are ${percent(shareBps)} of the supply: they earn that part of the shareholders' ${percent(quote.feeShareBps)} of every paid request`)
  return lines
}
