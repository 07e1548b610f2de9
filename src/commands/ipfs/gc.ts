import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { collectGarbage, type GcResult } from '../../core/ipfs/gc.js'
import { openRepo } from '../../core/ipfs/repo.js'

export default class IpfsGc extends BaseCommand<typeof IpfsGc> {
  static override summary = 'Remove blocks that no pin reaches and give their disk space back.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  async run(): Promise<GcResult> {
    const repo = openRepo(this.layout.ipfs)
    try {
      const result = await collectGarbage(repo)
      this.log(`Removed ${result.removed} block(s), kept ${result.kept}, reclaimed ${formatBytes(result.reclaimedBytes)}.`)
      return result
    } finally {
      await repo.close()
    }
  }
}
