import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { depositChannel, type DepositChannelReturnType } from '../../core/actions/channel/depositChannel.js'
import { formatToken, parseTokenAmount } from '../../core/shares/market.js'
import { parseChannelId } from '../../core/units/ids.js'

export default class ChannelDeposit extends BaseCommand<typeof ChannelDeposit> {
  static override summary = 'Add money to a payment channel.'
  static override examples = ['<%= config.bin %> <%= command.id %> 0x5f…e1 --amount 5']
  static override args = { channelId: Args.string({ description: 'The channel id.', required: true }) }
  static override flags = { ...signerFlags, amount: Flags.string({ summary: 'How much, in payment-token units (e.g. 5).', required: true }) }

  async run(): Promise<DepositChannelReturnType> {
    const channelId = parseChannelId(this.args.channelId, 'The channel id')
    const token = await this.paymentToken()
    const amount = parseTokenAmount(this.flags.amount, token.decimals, '--amount')
    const result = await depositChannel(this.ctx, { channelId, amount })
    this.log(`Added ${formatToken(amount, token)} to channel ${channelId} (transaction ${result.transactions.at(-1)}).`)
    return result
  }
}
