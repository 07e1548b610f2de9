import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { exportCar, type ExportCarReturnType } from '../../core/actions/ipfs/exportCar.js'

export default class ModelExport extends BaseCommand<typeof ModelExport> {
  static override summary = 'Export a model (its manifest CID: the manifest and every file) or any DAG from the local repo as a CAR file.'
  static override examples = ['<%= config.bin %> <%= command.id %> bafy… --car model.car']
  static override args = { cid: Args.string({ description: 'Root CID to export.', required: true }) }
  static override flags = { car: Flags.file({ summary: 'CAR file to write (written atomically).', required: true }) }

  async run(): Promise<ExportCarReturnType> {
    const result = await exportCar(this.ctx, { cid: this.args.cid, path: this.flags.car })
    const what = result.files ? `the model: manifest + ${result.files.length} file(s)` : `root ${result.cid}`
    this.log(`Wrote ${result.path} (${formatBytes(result.bytes)}) with ${what}`)
    return result
  }
}
