import { Args } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { getBalances, type GetBalancesReturnType } from '../../core/actions/chain/getBalances.js'

export default class WalletBalance extends BaseCommand<typeof WalletBalance> {
  static override summary = 'Show the native and payment-token balance of a keystore or an address.'
  static override examples = ['<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --json']
  static override args = { who: Args.string({ description: 'Keystore name or address (default: --account).' }) }

  async run(): Promise<GetBalancesReturnType> {
    const balances = await getBalances(this.ctx, { who: this.args.who })
    this.log(`${balances.address} on chain ${balances.chainId}`)
    this.log(`  ${balances.native.formatted} ${balances.native.symbol}`)
    if (balances.paymentToken) this.log(`  ${balances.paymentToken.formatted} ${balances.paymentToken.symbol}`)
    return balances
  }
}
