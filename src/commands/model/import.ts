import { Args } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { importCar, type ImportCarReturnType } from '../../core/actions/ipfs/importCar.js'

export default class ModelImport extends BaseCommand<typeof ModelImport> {
  static override summary = 'Import a CAR file into the local repo, verifying every block and that each root is complete.'
  static override examples = ['<%= config.bin %> <%= command.id %> model.car']
  static override args = { car: Args.file({ description: 'CAR file.', required: true, exists: true }) }

  async run(): Promise<ImportCarReturnType> {
    const result = await importCar(this.ctx, { path: this.args.car })
    this.log(`Imported ${result.blocks} blocks (${result.newBlocks} new); pinned ${result.roots.join(', ')}`)
    return result
  }
}
