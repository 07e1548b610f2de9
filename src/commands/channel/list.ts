import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { listChannels, type ListChannelsReturnType } from '../../core/actions/channel/listChannels.js'
import { formatToken } from '../../core/shares/market.js'

export default class ChannelList extends BaseCommand<typeof ChannelList> {
  static override summary = 'The payment channels recorded in this home: balance, what was spent, what is really left, withdrawals.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --dev-account 5 --json']
  // Like its neighbours, it takes a signer: then only that payer's channels are listed.
  static override flags = { ...signerFlags }

  async run(): Promise<ListChannelsReturnType> {
    const { flags } = this
    // The payer's address only: nothing is unlocked to list.
    const payer = flags.account !== undefined || flags['dev-account'] !== undefined ? await this.ctx.address() : undefined
    const result = await listChannels(this.ctx, { payer })
    const token = await this.paymentToken()
    if (result.channels.length === 0) this.log('No channels recorded in this home: `modeldao channel open` or `modeldao chat --deposit` opens one.')
    for (const c of result.channels) {
      const withdrawal = c.withdrawal ? `, withdrawing ${formatToken(c.withdrawal.amount, token)} (thaws ${c.withdrawal.thawEnd})` : ''
      const spending = c.spending ? `  spent ${formatToken(c.spending.spent, token)}${c.spending.unsettled !== '0' ? ` (${formatToken(c.spending.unsettled, token)} not settled yet)` : ''}, left ${formatToken(c.spending.left, token)}` : ''
      this.log(`${c.channelId}  ${formatToken(c.balance, token)}${spending}  payer ${c.payer} → operator ${c.operator}${withdrawal}`)
    }
    return result
  }
}
