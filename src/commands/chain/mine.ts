import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { mineBlocks, type MineBlocksReturnType } from '../../core/actions/chain/mineBlocks.js'

export default class ChainMine extends BaseCommand<typeof ChainMine> {
  static override summary = 'Mine empty blocks on the local chain.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --blocks 100']
  static override flags = {
    blocks: Flags.integer({ summary: 'How many blocks to mine.', default: 1, min: 1, max: 1_000_000 }),
  }

  async run(): Promise<MineBlocksReturnType> {
    const result = await mineBlocks(this.ctx, { blocks: this.flags.blocks })
    this.log(`Mined ${this.flags.blocks} block(s); now at block ${result.blockNumber} (${result.blockTimestamp}).`)
    return result
  }
}
