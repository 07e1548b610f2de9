import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { openChannel, type OpenChannelReturnType } from '../../core/actions/channel/openChannel.js'
import { formatToken, parseTokenAmount } from '../../core/shares/market.js'
import { parseAddress } from '../../core/units/address.js'
import { parseDuration } from '../../core/units/duration.js'

export default class ChannelOpen extends BaseCommand<typeof ChannelOpen> {
  static override summary = "Open a payment channel to a node operator and deposit into it: requests then cost one signed voucher each."
  static override description =
    'The channel is recorded in the home, so `modeldao chat` to that operator\'s nodes pays through it. Only you can take unused money back (`channel withdraw`), after the withdrawal delay, during which the operator settles what it served.'
  static override examples = ['<%= config.bin %> <%= command.id %> 0xOperatorAddress --amount 5', '<%= config.bin %> <%= command.id %> 0xOperatorAddress --amount 5 --withdrawal-delay 1h --json']
  static override args = { operator: Args.string({ description: "The node operator's address (`node list` shows it; a node's 402 names it as payTo).", required: true }) }
  static override flags = {
    ...signerFlags,
    amount: Flags.string({ summary: 'First deposit, in payment-token units (e.g. 5).', required: true }),
    'withdrawal-delay': Flags.string({ summary: 'How long a withdrawal thaws (15m to 7d).', default: '1d' }),
  }

  async run(): Promise<OpenChannelReturnType> {
    const operator = parseAddress(this.args.operator, 'The operator')
    const token = await this.paymentToken()
    const amount = parseTokenAmount(this.flags.amount, token.decimals, '--amount')
    const withdrawalDelay = parseDuration(this.flags['withdrawal-delay'])
    this.progress(`Opening a channel to ${operator} with ${formatToken(amount, token)}`)
    const opened = await openChannel(this.ctx, { operator, amount, withdrawalDelay })
    this.progressDone()
    this.log(`Opened channel ${opened.channelId} to ${opened.operator} with ${formatToken(amount, token)} (transaction ${opened.transactions.at(-1)}).`)
    if (!opened.recorded) this.note(`The home's channel book could not record channel ${opened.channelId}: keep its id and pass it to chat with --channel.`)
    return opened
  }
}
