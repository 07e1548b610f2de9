import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { percent, shortAddress, table } from '../../cli/table.js'
import { listModels, type ListModelsReturnType, type ModelSort } from '../../core/actions/models/listModels.js'
import { formatToken } from '../../core/shares/market.js'
import { addressFlag } from '../../cli/flags.js'

export default class ModelList extends BaseCommand<typeof ModelList> {
  static override summary = 'List every tokenized model: name, manifest CID, supply, holders, best ask, fees to date and fee share.'
  static override description = `Reads the local index of the chain's logs (updated first, incrementally). Names come from manifests in the local
IPFS repo; fetch a model's manifest with \`model info <id> --gateway …\` to name it here.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --on-offer --sort price',
    '<%= config.bin %> <%= command.id %> --search llama --sort fees --limit 10 --json',
  ]
  static override flags = {
    ...signerFlags,
    search: Flags.string({ summary: 'Only models whose name or manifest CID contains this text.' }),
    creator: addressFlag({ summary: 'Only models created by this address.' }),
    holder: addressFlag({ summary: 'Only models this address holds shares of.' }),
    'on-offer': Flags.boolean({ summary: 'Only models with shares on offer now.', default: false }),
    sort: Flags.string({ summary: 'Order of the list.', options: ['id', 'newest', 'fees', 'holders', 'price', 'supply', 'name'], default: 'id' }),
    limit: Flags.integer({ summary: 'Show at most this many.', min: 1 }),
  }

  async run(): Promise<ListModelsReturnType> {
    const { flags } = this
    const result = await listModels(this.ctx, { search: flags.search, creator: flags.creator, holder: flags.holder, onOffer: flags['on-offer'], sort: flags.sort as ModelSort, limit: flags.limit })
    const token = result.paymentToken
    if (!result.models.length) {
      this.log(result.total === 0 && !flags.search ? 'No models on this chain yet. Publish one with `modeldao model publish <path>`.' : 'No model matches.')
      return result
    }
    const rows = result.models.map((m) => [
      String(m.id),
      m.name ?? '?',
      `${m.manifestCid.slice(0, 14)}…`,
      m.supply,
      String(m.holders),
      m.bestAsk ? `${formatToken(m.bestAsk, token)} (${m.onOffer})` : '-',
      formatToken(m.feesDeposited, token),
      percent(m.feeShareBps),
      shortAddress(m.creator),
    ])
    for (const line of table(['ID', 'NAME', 'MANIFEST', 'SUPPLY', 'HOLDERS', 'BEST ASK (ON OFFER)', 'FEES TO DATE', 'FEE SHARE', 'CREATOR'], rows, [0, 3, 4])) this.log(line)
    if (result.total > result.models.length) this.log(`… ${result.total - result.models.length} more (raise --limit).`)
    return result
  }
}
