import { Args } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { getWalletAddress, type GetWalletAddressReturnType } from '../../core/actions/wallet/getWalletAddress.js'

export default class WalletAddress extends BaseCommand<typeof WalletAddress> {
  static override summary = 'Print the address of a keystore (no password needed).'
  static override examples = ['<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> --account alice --json']
  static override args = { name: Args.string({ description: 'Keystore name (default: --account).' }) }

  async run(): Promise<GetWalletAddressReturnType> {
    const wallet = await getWalletAddress(this.ctx, { name: this.args.name })
    this.log(wallet.address)
    return wallet
  }
}
