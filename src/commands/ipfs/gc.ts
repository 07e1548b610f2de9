import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { collectGarbage, type CollectGarbageReturnType } from '../../core/actions/ipfs/collectGarbage.js'

export default class IpfsGc extends BaseCommand<typeof IpfsGc> {
  static override summary = 'Remove blocks that no pin reaches and give their disk space back.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  async run(): Promise<CollectGarbageReturnType> {
    const result = await collectGarbage(this.ctx)
    this.log(`Removed ${result.removed} block(s), kept ${result.kept}, reclaimed ${formatBytes(result.reclaimedBytes)}.`)
    return result
  }
}
