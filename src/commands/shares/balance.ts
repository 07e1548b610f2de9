import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { table } from '../../cli/table.js'
import { getShareBalances, type GetShareBalancesReturnType } from '../../core/actions/shares/getShareBalances.js'

export default class SharesBalance extends BaseCommand<typeof SharesBalance> {
  static override summary = 'Show how many shares the account holds, in its wallet and on offer.'
  static override examples = ['<%= config.bin %> <%= command.id %> --account alice', '<%= config.bin %> <%= command.id %> --model 1 --dev-account 1 --json']
  static override flags = { ...signerFlags, model: Flags.string({ summary: 'Only this model id.' }) }

  async run(): Promise<GetShareBalancesReturnType> {
    const result = await getShareBalances(this.ctx, { modelId: this.flags.model })
    if (!result.balances.length) {
      this.log(`${result.account} holds no shares. Buy some with \`modeldao shares buy <modelId> --amount N\`.`)
      return result
    }
    this.log(`Shares of ${result.account}:`)
    const rows = result.balances.map((b) => [String(b.modelId), b.name ?? '?', b.balance, b.onOffer, b.supply])
    for (const line of table(['MODEL', 'NAME', 'IN WALLET', 'ON OFFER', 'SUPPLY'], rows, [0, 2, 3, 4])) this.log(`  ${line}`)
    return result
  }
}
