import { BaseCommand } from '../../cli/baseCommand.js'
import { listPins, type ListPinsReturnType } from '../../core/actions/ipfs/listPins.js'

export default class IpfsPins extends BaseCommand<typeof IpfsPins> {
  static override summary = 'List the pinned roots of the local repo (what `ipfs gc` keeps).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<ListPinsReturnType> {
    const result = await listPins(this.ctx)
    if (result.pins.length === 0) this.log('No pins.')
    for (const pin of result.pins) this.log(`${pin.cid}  ${pin.label}`)
    return result
  }
}
