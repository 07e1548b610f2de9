import { Args } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { ExitCode, ModeldaoError } from '../../core/errors/base.js'
import { walletAddress, type WalletInfo } from '../../core/wallet/store.js'

export default class WalletAddress extends BaseCommand<typeof WalletAddress> {
  static override summary = 'Print the address of a keystore (no password needed).'
  static override examples = ['<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> --account alice --json']
  static override args = { name: Args.string({ description: 'Keystore name (default: --account).' }) }

  async run(): Promise<WalletInfo> {
    const name = this.args.name ?? this.flags.account
    if (!name) throw new ModeldaoError('NO_ACCOUNT', 'Name the keystore: `wallet address <name>` or --account <name>.', { exitCode: ExitCode.usage })
    const wallet = await walletAddress(this.layout.keystores, name)
    this.log(wallet.address)
    return wallet
  }
}
