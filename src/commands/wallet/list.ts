import { BaseCommand } from '../../cli/baseCommand.js'
import { listWallets, type ListWalletsReturnType } from '../../core/actions/wallet/listWallets.js'

export default class WalletList extends BaseCommand<typeof WalletList> {
  static override summary = 'List the keystores in the home folder with their addresses.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<Omit<ListWalletsReturnType, 'folder'>> {
    const { wallets, folder } = await listWallets(this.ctx)
    if (wallets.length === 0) this.log(`No keystores in ${folder}. Create one with \`${this.config.bin} wallet create <name>\`.`)
    for (const wallet of wallets) this.log(`${wallet.name.padEnd(20)} ${wallet.address ?? '(unreadable: no address)'}`)
    return { wallets }
  }
}
