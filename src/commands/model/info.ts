import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { gatewaySource, peerSource, type BlockSource } from '../../core/ipfs/fetch.js'
import { openRepo } from '../../core/ipfs/repo.js'
import { parseCid } from '../../core/ipfs/verify.js'
import { loadManifest } from '../../core/models/get.js'
import type { ModelManifest } from '../../core/models/manifest.js'

export default class ModelInfo extends BaseCommand<typeof ModelInfo> {
  static override summary = "Show a model card: name, license, architecture and every file's CID, size and sha256."
  static override examples = ['<%= config.bin %> <%= command.id %> bafkrei…', '<%= config.bin %> <%= command.id %> bafkrei… --gateway http://127.0.0.1:8080 --json']
  static override args = { ref: Args.string({ description: 'Model id (on chain) or manifest CID.', required: true }) }
  static override flags = {
    peer: Flags.string({ summary: 'Fetch the manifest from this libp2p peer.', exclusive: ['gateway'] }),
    gateway: Flags.string({ summary: 'Fetch the manifest from this trustless gateway.' }),
  }

  async run(): Promise<{ manifestCid: string; manifest: ModelManifest }> {
    const repo = openRepo(this.layout.ipfs)
    let source: BlockSource | undefined
    try {
      if (this.flags.gateway) source = gatewaySource(this.flags.gateway)
      else if (this.flags.peer) source = await peerSource(repo, this.flags.peer)
      const cid = parseCid(await this.manifestCidFor(this.args.ref))
      const manifest = await loadManifest(repo, cid, source)
      this.log(`${manifest.name}  (${manifest.schema})`)
      if (manifest.description) this.log(`  ${manifest.description}`)
      this.log(`  license ${manifest.license} · architecture ${manifest.architecture ?? 'unknown'} · CID profile ${manifest.cidProfile.name}`)
      if (manifest.datasets.length) this.log(`  datasets ${manifest.datasets.join(', ')}`)
      if (manifest.parent) this.log(`  parent ${manifest.parent}`)
      for (const file of manifest.files) {
        this.log(`  ${file.path}  ${formatBytes(file.size)}  ${file.cid}  sha256:${file.sha256.slice(0, 16)}…`)
        if (file.gguf) this.log(`    GGUF ${file.gguf.architecture}, ${file.gguf.parameterCount} params, ${file.gguf.quantization}, context ${file.gguf.contextLength ?? '?'}, tokenizer ${file.gguf.tokenizer ?? '?'}`)
      }
      return { manifestCid: cid.toString(), manifest }
    } finally {
      await source?.close()
      await repo.close()
    }
  }
}
