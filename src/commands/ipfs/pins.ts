import { BaseCommand } from '../../cli/baseCommand.js'
import { openRepo, type Pin } from '../../core/ipfs/repo.js'

export default class IpfsPins extends BaseCommand<typeof IpfsPins> {
  static override summary = 'List the pinned roots of the local repo (what `ipfs gc` keeps).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<{ pins: Pin[] }> {
    const repo = openRepo(this.layout.ipfs)
    try {
      const pins = repo.pins()
      if (pins.length === 0) this.log('No pins.')
      for (const pin of pins) this.log(`${pin.cid}  ${pin.label}`)
      return { pins }
    } finally {
      await repo.close()
    }
  }
}
