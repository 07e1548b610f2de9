import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { exportCar } from '../../core/ipfs/car.js'
import { openRepo } from '../../core/ipfs/repo.js'
import { parseCid } from '../../core/ipfs/verify.js'

export default class ModelExport extends BaseCommand<typeof ModelExport> {
  static override summary = 'Export a DAG (a manifest, a file) from the local repo as a CAR file.'
  static override examples = ['<%= config.bin %> <%= command.id %> bafy… --car model.car']
  static override args = { cid: Args.string({ description: 'Root CID to export.', required: true }) }
  static override flags = { car: Flags.file({ summary: 'CAR file to write (written atomically).', required: true }) }

  async run(): Promise<{ cid: string; path: string; bytes: number }> {
    const repo = openRepo(this.layout.ipfs)
    try {
      const cid = parseCid(this.args.cid)
      const result = await exportCar(repo, cid, this.flags.car)
      this.log(`Wrote ${result.path} (${formatBytes(result.bytes)}) with root ${cid}`)
      return { cid: cid.toString(), ...result }
    } finally {
      await repo.close()
    }
  }
}
