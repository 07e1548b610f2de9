import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { fundWallet, type FundWalletReturnType } from '../../core/actions/wallet/fundWallet.js'

export default class WalletFund extends BaseCommand<typeof WalletFund> {
  static override summary = 'Fund a keystore or address on the local chain: ETH from dev account 0 and test stablecoin from the faucet.'
  static override description = `Local chains only (ids 31337 and 1337). A fresh keystore has nothing to pay gas with; this sends it native currency
from anvil's funded dev account 0 and mints the test stablecoin (the local payment token) to it.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> alice',
    '<%= config.bin %> <%= command.id %> alice --eth 1 --tokens 0',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --tokens 25000 --json',
  ]
  static override args = { who: Args.string({ description: 'Keystore name or address (default: --account).' }) }
  static override flags = {
    eth: Flags.string({ summary: 'Native currency to send, in ether (0 for none).', default: '10' }),
    tokens: Flags.string({ summary: 'Test stablecoin to mint, in token units (0 for none).', default: '1000' }),
  }

  async run(): Promise<FundWalletReturnType> {
    const result = await fundWallet(this.ctx, { who: this.args.who, eth: this.flags.eth, tokens: this.flags.tokens, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Funded ${result.address} on chain ${result.chainId}:`)
    if (result.eth) this.log(`  ${result.eth.amount} ETH (transaction ${result.eth.hash})`)
    if (result.tokens) this.log(`  ${result.tokens.amount} ${result.tokens.symbol} (transaction ${result.tokens.hash})`)
    return result
  }
}
