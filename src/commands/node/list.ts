import { Flags } from '@oclif/core'
import { formatUnits } from 'viem'
import { BaseCommand } from '../../cli/baseCommand.js'
import { table } from '../../cli/table.js'
import { listNodes, type ListNodesReturnType } from '../../core/actions/node/listNodes.js'

export default class NodeList extends BaseCommand<typeof NodeList> {
  static override summary = "The nodes registered to serve a model: endpoint, prices, stake and reputation (receipt challenges upheld, rejected, open; this home's spot checks passed)."
  static override examples = ['<%= config.bin %> <%= command.id %> --model 1', '<%= config.bin %> <%= command.id %> --model 1 --check', '<%= config.bin %> <%= command.id %> --model 1 --json']
  static override flags = {
    model: Flags.string({ summary: 'Model id.', required: true }),
    check: Flags.boolean({ summary: "Also ask each node's /health (2 s each): is it up?", default: false }),
  }

  async run(): Promise<ListNodesReturnType> {
    const result = await listNodes(this.ctx, { modelId: this.flags.model, checkHealth: this.flags.check })
    if (!result.nodes.length) {
      this.log(`No node serves model ${result.modelId}.`)
      return result
    }
    const passRate = (p: { probes: number; passed: number }) => (p.probes ? `${((p.passed / p.probes) * 100).toFixed(0)}% of ${p.probes}` : '-')
    const token = await this.paymentToken()
    const amount = (units: string) => formatUnits(BigInt(units), token.decimals)
    const health = (n: (typeof result.nodes)[number]) => (this.flags.check ? [n.health === 'up' ? 'up' : 'DOWN'] : [])
    const rows = result.nodes.map((n) => [n.operator, n.endpoint, ...health(n), amount(n.prices.perRequest), amount(n.prices.perOutputToken), amount(n.stake), `${n.challenges.upheld}/${n.challenges.rejected}/${n.challenges.open}`, passRate(n.probes)])
    const headers = ['OPERATOR', 'ENDPOINT', ...(this.flags.check ? ['HEALTH'] : []), `PER REQUEST (${token.symbol})`, 'PER TOKEN', 'STAKE', 'CHEATS/CLEARED/OPEN', 'PROBES PASSED']
    const numeric = this.flags.check ? [3, 4, 5] : [2, 3, 4]
    for (const line of table(headers, rows, numeric)) this.log(line)
    return result
  }
}
