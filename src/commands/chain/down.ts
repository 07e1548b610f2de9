import { BaseCommand } from '../../cli/baseCommand.js'
import { stopLocalChain, type StopLocalChainResult } from '../../core/chain/localChain.js'

export default class ChainDown extends BaseCommand<typeof ChainDown> {
  static override summary = 'Stop the local chain; its state is saved for the next `chain up`.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  async run(): Promise<StopLocalChainResult> {
    this.progress('Stopping the local chain')
    const result = await stopLocalChain(this.layout.localChain)
    this.progressDone()
    this.log(result.stopped ? `Stopped the local chain (pid ${result.record?.pid}); state saved in ${result.stateFile}.` : 'The local chain was not running.')
    return result
  }
}
