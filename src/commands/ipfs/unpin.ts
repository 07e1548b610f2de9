import { Args } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { unpin, type UnpinReturnType } from '../../core/actions/ipfs/unpin.js'

export default class IpfsUnpin extends BaseCommand<typeof IpfsUnpin> {
  static override summary = 'Unpin a root (a model card unpins the whole model) so `ipfs gc` can reclaim its blocks.'
  static override examples = ['<%= config.bin %> <%= command.id %> bafkrei…  # then: <%= config.bin %> ipfs gc']
  static override args = { cid: Args.string({ description: 'The pinned CID (see `ipfs pins`).', required: true }) }

  async run(): Promise<UnpinReturnType> {
    const result = await unpin(this.ctx, { cid: this.args.cid })
    for (const root of result.unpinned) this.log(`Unpinned ${root.cid}  ${root.label}`)
    this.log(`Run \`${this.config.bin} ipfs gc\` to reclaim the space.`)
    return result
  }
}
