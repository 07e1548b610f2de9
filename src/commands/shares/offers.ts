import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { addressFlag } from '../../cli/flags.js'
import { shortAddress, table } from '../../cli/table.js'
import { listOffers, type ListOffersReturnType } from '../../core/actions/shares/listOffers.js'
import { formatToken } from '../../core/shares/market.js'

const when = (seconds: number) => (seconds ? new Date(seconds * 1000).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z') : '-')

export default class SharesOffers extends BaseCommand<typeof SharesOffers> {
  static override summary = 'List share offers: open ones cheapest first, then upcoming and ended ones.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --model 1', '<%= config.bin %> <%= command.id %> --seller 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --all --json']
  static override flags = {
    model: Flags.string({ summary: 'Only offers of this model id.' }),
    seller: addressFlag({ summary: 'Only offers by this address.' }),
    all: Flags.boolean({ summary: 'Also sold-out, cancelled and withdrawn offers.', default: false }),
  }

  async run(): Promise<ListOffersReturnType> {
    const result = await listOffers(this.ctx, { modelId: this.flags.model, seller: this.flags.seller, all: this.flags.all })
    if (!result.offers.length) {
      this.log('No offers. Sell shares with `modeldao shares offer <modelId> --amount N --price P`.')
      return result
    }
    const rows = result.offers.map((o) => [
      String(o.id),
      String(o.modelId),
      o.state,
      `${o.remaining}/${o.amount}`,
      formatToken(o.pricePerShare, result.tokens[o.paymentToken]!),
      shortAddress(o.seller),
      when(o.start),
      o.end ? when(o.end) : 'until cancelled',
    ])
    for (const line of table(['OFFER', 'MODEL', 'STATE', 'LEFT', 'PRICE/SHARE', 'SELLER', 'START', 'END'], rows, [0, 1, 3])) this.log(line)
    return result
  }
}
