import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { mintTestTokens, type MintTestTokensReturnType } from '../../core/actions/token/mintTestTokens.js'

export default class TokenFaucet extends BaseCommand<typeof TokenFaucet> {
  static override summary = "Mint the local chain's test stablecoin (its payment token) to an account. Local chains only."
  static override examples = ['<%= config.bin %> <%= command.id %> --account alice', '<%= config.bin %> <%= command.id %> --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --amount 25000 --json']
  static override flags = {
    ...signerFlags,
    amount: Flags.string({ summary: 'Tokens to mint, in token units.', default: '1000' }),
    to: Flags.string({ summary: 'Keystore name or address (default: --account / --dev-account).' }),
  }

  async run(): Promise<MintTestTokensReturnType> {
    const result = await mintTestTokens(this.ctx, { to: this.flags.to, amount: this.flags.amount, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Minted ${result.amount} ${result.symbol} to ${result.address} (transaction ${result.transactionHash}).`)
    return result
  }
}
