import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { table } from '../../cli/table.js'
import { listDatasets, type ListDatasetsReturnType } from '../../core/actions/dao/listDatasets.js'

export default class DatasetsList extends BaseCommand<typeof DatasetsList> {
  static override summary = "List the datasets a model's DAO included for its next training run."
  static override examples = ['<%= config.bin %> <%= command.id %> --model 1', '<%= config.bin %> <%= command.id %> --model 1 --history --json']
  static override flags = {
    model: Flags.string({ summary: 'Model id.', required: true }),
    history: Flags.boolean({ summary: 'Also every inclusion and removal, oldest first.', default: false }),
  }

  async run(): Promise<ListDatasetsReturnType> {
    const result = await listDatasets(this.ctx, { modelId: this.flags.model, history: this.flags.history })
    if (!result.datasets.length) this.log(`Model ${result.modelId} has no datasets included. Propose one: \`modeldao dao propose dataset --model ${result.modelId} --cid … --name …\`.`)
    else for (const line of table(['NAME', 'CID', 'LICENSE', 'BYTES'], result.datasets.map((d) => [d.name, d.cid, d.license || '-', d.sizeBytes]), [3])) this.log(line)
    if (result.history?.length) {
      this.log('')
      for (const h of result.history) this.log(`block ${h.blockNumber}: ${h.included ? 'included' : 'removed'} ${h.cid}`)
    }
    return result
  }
}
