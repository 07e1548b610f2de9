import { BaseCommand } from '../../cli/baseCommand.js'
import { syncIndex, type SyncIndexReturnType } from '../../core/actions/index/syncIndex.js'

export default class IndexRebuild extends BaseCommand<typeof IndexRebuild> {
  static override summary = 'Empty the local index of this chain and read every protocol log again.'
  static override description = `The index (models, holders, offers, fee history) updates itself before every list; a rebuild is never needed
for correctness (reorgs roll back, a reset chain is detected), but it is the cure for a damaged file.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --rpc-url http://127.0.0.1:8545 --json']

  async run(): Promise<SyncIndexReturnType> {
    const result = await syncIndex(this.ctx, {
      rebuild: true,
      onProgress: (e) => this.progress(`reading logs: block ${e.toBlock} of ${e.headBlock}, ${e.events} events`),
    })
    this.progressDone()
    this.log(`Rebuilt ${result.file}: ${result.events} events from blocks ${result.fromBlock}-${result.toBlock}.`)
    return result
  }
}
