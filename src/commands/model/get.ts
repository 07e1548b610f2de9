import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes, getProgress, interruptSignal, TransferProgress } from '../../cli/progress.js'
import { getModel, type GetModelReturnType } from '../../core/actions/models/getModel.js'

export default class ModelGet extends BaseCommand<typeof ModelGet> {
  static override summary = 'Fetch a model by manifest CID, verify every block and file, and write the files.'
  static override description = `Fetches the manifest and every file from a peer (libp2p bitswap) or a trustless gateway, checks each block against
its CID and each file against the manifest's sha256, and writes files atomically into --out. Blocks are kept in the
local repo, so an interrupted get resumes; without --peer or --gateway everything must already be local.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> bafkrei… --gateway http://127.0.0.1:8080 --out ./model',
    '<%= config.bin %> <%= command.id %> bafkrei… --peer /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo… --json',
    '<%= config.bin %> <%= command.id %> 1 --gateway http://127.0.0.1:8080  # model id 1 on the current chain',
  ]
  static override args = { ref: Args.string({ description: 'Model id (on chain) or manifest CID.', required: true }) }
  static override flags = {
    out: Flags.directory({ summary: 'Folder to write the files into.', default: '.' }),
    peer: Flags.string({ summary: 'libp2p multiaddr of a node that has the model.', exclusive: ['gateway'] }),
    gateway: Flags.string({ summary: 'URL of a trustless gateway that has the model.' }),
  }

  async run(): Promise<GetModelReturnType> {
    using interrupt = interruptSignal()
    const result = await getModel(this.ctx, {
      ref: this.args.ref,
      outDir: this.flags.out,
      peer: this.flags.peer,
      gateway: this.flags.gateway,
      signal: interrupt.signal,
      onProgress: getProgress(new TransferProgress(!this.jsonEnabled())),
    })
    this.log(`Got "${result.manifest.name}" (${result.files.length} file(s), ${formatBytes(result.fetchedBytes)} fetched in ${result.seconds.toFixed(1)}s) into ${result.outDir}`)
    return result
  }
}
