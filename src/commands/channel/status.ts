import { Args } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { getChannel, type GetChannelReturnType } from '../../core/actions/channel/getChannel.js'
import { ModeldaoError } from '../../core/errors/base.js'
import { formatToken } from '../../core/shares/market.js'
import { parseChannelId } from '../../core/units/ids.js'

export default class ChannelStatus extends BaseCommand<typeof ChannelStatus> {
  static override summary = "A payment channel's parties, balance and pending withdrawal, read on chain."
  static override examples = ['<%= config.bin %> <%= command.id %> 0x5f…e1', '<%= config.bin %> <%= command.id %> 0x5f…e1 --json']
  static override args = { channelId: Args.string({ description: 'The channel id.', required: true }) }

  async run(): Promise<GetChannelReturnType> {
    const channelId = parseChannelId(this.args.channelId, 'The channel id')
    const state = await getChannel(this.ctx, { channelId, spending: true })
    if (!state.open) throw new ModeldaoError('CHANNEL_UNUSABLE', `There is no channel ${channelId} on this chain.`, { hints: ['`modeldao channel list` shows the channels recorded in this home.'] })
    const token = await this.paymentToken()
    this.log(`Channel ${channelId}`)
    this.log(`  payer       ${state.payer}`)
    this.log(`  operator    ${state.operator}`)
    this.log(`  authorizer  ${state.authorizer} (signs the vouchers)`)
    this.log(`  balance     ${formatToken(state.balance, token)}`)
    if (state.spending) {
      const { spent, unsettled, left } = state.spending
      this.log(`  spent       ${formatToken(spent, token)} from this home${unsettled !== '0' ? `, ${formatToken(unsettled, token)} of it not settled yet by the node` : ''}`)
      this.log(`  left        ${formatToken(left, token)} (what a withdrawal returns)`)
    }
    this.log(`  withdrawal  ${state.withdrawal ? `${formatToken(state.withdrawal.amount, token)}, thaws ${state.withdrawal.thawEnd}` : `none (delay ${state.withdrawalDelay} s)`}`)
    return state
  }
}
