import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { addFile, type AddFileReturnType } from '../../core/actions/ipfs/addFile.js'

export default class IpfsAdd extends BaseCommand<typeof IpfsAdd> {
  static override summary = 'Add a file to the local IPFS repo and pin it: prints its CID (the one kubo gives) and size.'
  static override description = 'For a dataset to propose (`dao propose dataset --cid <cid> --size <bytes>`) or a description to link. `ipfs daemon` serves it to peers and gateways.'
  static override examples = ['<%= config.bin %> <%= command.id %> ./stories.jsonl', '<%= config.bin %> <%= command.id %> ./stories.jsonl --label "Tiny stories v1" --json']
  static override args = { path: Args.string({ description: 'The file.', required: true }) }
  static override flags = { label: Flags.string({ summary: "The pin's label (default: the file name)." }) }

  async run(): Promise<AddFileReturnType> {
    const added = await addFile(this.ctx, { path: this.args.path, label: this.flags.label })
    this.log(`${added.cid}  ${added.size} bytes  ${added.path}`)
    return added
  }
}
