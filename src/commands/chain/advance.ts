import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { advanceTime, type AdvanceTimeReturnType } from '../../core/actions/chain/advanceTime.js'
import { parseDuration } from '../../core/units/duration.js'

export default class ChainAdvance extends BaseCommand<typeof ChainAdvance> {
  static override summary = "Move the local chain's clock forward and mine a block."
  static override examples = ['<%= config.bin %> <%= command.id %> --time 7d', '<%= config.bin %> <%= command.id %> --time 1h30m --json']
  static override flags = {
    time: Flags.string({ summary: 'How far: 90s, 15m, 2h, 7d, 1w, combinations (1d12h) or seconds.', required: true }),
  }

  async run(): Promise<AdvanceTimeReturnType> {
    const result = await advanceTime(this.ctx, { seconds: parseDuration(this.flags.time) })
    this.log(`Advanced ${result.advancedSeconds} s; now at block ${result.blockNumber} (${result.blockTimestamp}).`)
    return result
  }
}
