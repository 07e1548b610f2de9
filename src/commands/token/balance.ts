import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { addressFlag } from '../../cli/flags.js'
import { getTokenBalance, type GetTokenBalanceReturnType } from '../../core/actions/token/getTokenBalance.js'
import { formatToken } from '../../core/shares/market.js'

export default class TokenBalance extends BaseCommand<typeof TokenBalance> {
  static override summary = "Show the account's balance of the payment token and what the share market may spend of it."
  static override examples = ['<%= config.bin %> <%= command.id %> --account alice', '<%= config.bin %> <%= command.id %> --dev-account 1 --json']
  static override flags = { ...signerFlags, token: addressFlag({ summary: 'Another ERC-20 than the payment token.' }) }

  async run(): Promise<GetTokenBalanceReturnType> {
    const result = await getTokenBalance(this.ctx, { token: this.flags.token })
    this.log(`${result.account}: ${formatToken(result.balance, result.token)} (share market allowance ${formatToken(result.allowanceToMarket, result.token)})`)
    return result
  }
}
