import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes, getProgress, interruptSignal, TransferProgress } from '../../cli/progress.js'
import { getModel, type GetModelReturnType } from '../../core/actions/models/getModel.js'

export default class ModelGet extends BaseCommand<typeof ModelGet> {
  static override summary = 'Fetch a model by manifest CID, verify every block and file, and write the files.'
  static override description = `Fetches the manifest and every file from peers (libp2p) and trustless gateways, all at once: each source takes the
next part of the file as it frees up, so faster sources carry more. Every block is checked against its CID and every
file against the manifest's sha256; files are written atomically into --out. A source that sends a bad block or dies
is dropped and the others finish. An interrupted get resumes. Without --peer or --gateway everything must be local.
With --keep (or MODELDAO_KEEP=1) the blocks stay in the local repo and the model is pinned, so \`ipfs daemon\` serves
it on to others.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> bafkrei… --gateway http://127.0.0.1:8080 --out ./model',
    '<%= config.bin %> <%= command.id %> bafkrei… --peer /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo… --json',
    '<%= config.bin %> <%= command.id %> 1 --gateway http://127.0.0.1:8080  # model id 1 on the current chain',
    '<%= config.bin %> <%= command.id %> bafkrei… --peer /ip4/10.0.0.5/tcp/4001/p2p/12D3KooA… --peer /ip4/10.0.0.6/tcp/4001/p2p/12D3KooB… --keep',
  ]
  static override args = { ref: Args.string({ description: 'Model id (on chain) or manifest CID.', required: true }) }
  static override flags = {
    out: Flags.directory({ summary: 'Folder to write the files into.', default: '.' }),
    peer: Flags.string({ summary: 'libp2p multiaddr of a node that has the model (repeatable).', multiple: true }),
    gateway: Flags.string({ summary: 'URL of a trustless gateway that has the model (repeatable).', multiple: true }),
    keep: Flags.boolean({ summary: 'Keep the blocks in the local repo and pin the model, so `ipfs daemon` serves it on.', env: 'MODELDAO_KEEP', default: false }),
  }

  async run(): Promise<GetModelReturnType> {
    using interrupt = interruptSignal()
    const result = await getModel(this.ctx, {
      ref: this.args.ref,
      outDir: this.flags.out,
      peer: this.flags.peer,
      gateway: this.flags.gateway,
      keep: this.flags.keep,
      signal: interrupt.signal,
      onProgress: getProgress(new TransferProgress(!this.jsonEnabled())),
    })
    this.log(`Got "${result.manifest.name}" (${result.files.length} file(s), ${formatBytes(result.fetchedBytes)} fetched in ${result.seconds.toFixed(1)}s) into ${result.outDir}`)
    for (const source of result.sources) {
      const via = source.via ? ` via ${source.via}` : ''
      this.log(`  ${source.name}: ${formatBytes(source.bytes)}${via}${source.state === 'dropped' ? ` (dropped: ${source.reason})` : ''}`)
    }
    if (result.kept) this.log('Pinned in the local repo: `modeldao ipfs daemon` serves it.')
    return result
  }
}
