import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { getModelInfo, type GetModelInfoReturnType } from '../../core/actions/models/getModelInfo.js'

export default class ModelInfo extends BaseCommand<typeof ModelInfo> {
  static override summary = "Show a model card: name, license, architecture and every file's CID, size and sha256."
  static override examples = ['<%= config.bin %> <%= command.id %> bafkrei…', '<%= config.bin %> <%= command.id %> bafkrei… --gateway http://127.0.0.1:8080 --json']
  static override args = { ref: Args.string({ description: 'Model id (on chain) or manifest CID.', required: true }) }
  static override flags = {
    peer: Flags.string({ summary: 'Fetch the manifest from this libp2p peer.', exclusive: ['gateway'] }),
    gateway: Flags.string({ summary: 'Fetch the manifest from this trustless gateway.' }),
  }

  async run(): Promise<GetModelInfoReturnType> {
    const result = await getModelInfo(this.ctx, { ref: this.args.ref, peer: this.flags.peer, gateway: this.flags.gateway })
    const { manifest } = result
    this.log(`${manifest.name}  (${manifest.schema})`)
    if (manifest.description) this.log(`  ${manifest.description}`)
    this.log(`  license ${manifest.license} · architecture ${manifest.architecture ?? 'unknown'} · CID profile ${manifest.cidProfile.name}`)
    if (manifest.datasets.length) this.log(`  datasets ${manifest.datasets.join(', ')}`)
    if (manifest.parent) this.log(`  parent ${manifest.parent}`)
    for (const file of manifest.files) {
      this.log(`  ${file.path}  ${formatBytes(file.size)}  ${file.cid}  sha256:${file.sha256.slice(0, 16)}…`)
      const g = file.gguf
      if (g) this.log(`    GGUF ${g.architecture}, ${g.parameterCount} params, ${g.quantization}, context ${g.contextLength ?? '?'}, tokenizer ${g.tokenizer ?? '?'}`)
    }
    return result
  }
}
