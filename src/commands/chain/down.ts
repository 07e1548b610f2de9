import { BaseCommand } from '../../cli/baseCommand.js'
import { chainDown, type ChainDownReturnType } from '../../core/actions/chain/chainDown.js'

export default class ChainDown extends BaseCommand<typeof ChainDown> {
  static override summary = 'Stop the local chain; its state is saved for the next `chain up`.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  async run(): Promise<ChainDownReturnType> {
    this.progress('Stopping the local chain')
    const result = await chainDown(this.ctx)
    this.progressDone()
    this.log(result.stopped ? `Stopped the local chain (pid ${result.record?.pid}); state saved in ${result.stateFile}.` : 'The local chain was not running.')
    return result
  }
}
