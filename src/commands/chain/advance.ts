import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { parseDuration } from '../../core/chain/duration.js'
import { advanceTime, type TimeTravelResult } from '../../core/chain/timeTravel.js'

export default class ChainAdvance extends BaseCommand<typeof ChainAdvance> {
  static override summary = "Move the local chain's clock forward and mine a block."
  static override examples = ['<%= config.bin %> <%= command.id %> --time 7d', '<%= config.bin %> <%= command.id %> --time 1h30m --json']
  static override flags = {
    time: Flags.string({ summary: 'How far: 90s, 15m, 2h, 7d, 1w, combinations (1d12h) or seconds.', required: true }),
  }

  async run(): Promise<TimeTravelResult & { advancedSeconds: number }> {
    const seconds = parseDuration(this.flags.time)
    const result = await advanceTime(await this.connect(), seconds)
    this.log(`Advanced ${seconds} s; now at block ${result.blockNumber} (${result.blockTimestamp}).`)
    return { ...result, advancedSeconds: seconds }
  }
}
