import { BaseCommand } from '../../cli/baseCommand.js'
import { syncIndex, type SyncIndexReturnType } from '../../core/actions/index/syncIndex.js'

export default class IndexSync extends BaseCommand<typeof IndexSync> {
  static override summary = 'Bring the local index up to the chain head now and say what changed (reorgs, rebuilds).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<SyncIndexReturnType> {
    const result = await syncIndex(this.ctx, { onProgress: (e) => this.progress(`reading logs: block ${e.toBlock} of ${e.headBlock}, ${e.events} events`) })
    this.progressDone()
    if (result.rebuilt) this.note(`The index was rebuilt: ${result.rebuilt}.`)
    if (result.rolledBack) this.note(`A reorg rolled back ${result.rolledBack.blocks} blocks (${result.rolledBack.events} events) from block ${result.rolledBack.fromBlock}.`)
    this.log(`Index ${result.file} at block ${result.toBlock}: ${result.events} new events.`)
    return result
  }
}
