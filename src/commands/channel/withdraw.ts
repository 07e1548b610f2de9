import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { withdrawChannel, type WithdrawChannelReturnType } from '../../core/actions/channel/withdrawChannel.js'
import { formatToken, parseTokenAmount } from '../../core/shares/market.js'
import { parseChannelId } from '../../core/units/ids.js'

export default class ChannelWithdraw extends BaseCommand<typeof ChannelWithdraw> {
  static override summary = "Take your unused money back out of a payment channel: ask, wait out the thaw, then take it."
  static override description =
    "The first run asks for a withdrawal (the whole balance, or --amount); it thaws for the channel's withdrawal delay, during which the operator settles what it served. Run it again after the thaw to take the money. --cancel calls a pending request off."
  static override examples = ['<%= config.bin %> <%= command.id %> 0x5f…e1', '<%= config.bin %> <%= command.id %> 0x5f…e1 --amount 2', '<%= config.bin %> <%= command.id %> 0x5f…e1 --cancel']
  static override args = { channelId: Args.string({ description: 'The channel id.', required: true }) }
  static override flags = {
    ...signerFlags,
    amount: Flags.string({ summary: 'Ask for this much (restarts a pending thaw with the new amount).', exclusive: ['cancel'] }),
    cancel: Flags.boolean({ summary: 'Call off the pending withdrawal request.', default: false }),
  }

  async run(): Promise<WithdrawChannelReturnType> {
    const channelId = parseChannelId(this.args.channelId, 'The channel id')
    const token = await this.paymentToken()
    const amount = this.flags.amount === undefined ? undefined : parseTokenAmount(this.flags.amount, token.decimals, '--amount')
    const result = await withdrawChannel(this.ctx, { channelId, amount, cancel: this.flags.cancel })
    if (result.stage === 'requested') this.log(`Asked to withdraw up to ${formatToken(result.amount, token)} from channel ${channelId} (less what the operator settles for requests already served); it thaws until ${result.thawEnd}. Run this again after that to take it.`)
    else if (result.stage === 'cancelled') this.log(`Called off the withdrawal request of channel ${channelId}.`)
    else this.log(`Withdrew ${formatToken(result.amount, token)} from channel ${channelId} (transaction ${result.transactions[0]}).`)
    return result
  }
}
