import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes, interruptSignal, TransferProgress } from '../../cli/progress.js'
import { ExitCode, ModeldaoError } from '../../core/errors/base.js'
import { cidProfiles, DEFAULT_CID_PROFILE } from '../../core/ipfs/cidProfiles.js'
import { openRepo } from '../../core/ipfs/repo.js'
import { publishToIpfs, type PublishResult } from '../../core/models/publish.js'

export default class ModelPublish extends BaseCommand<typeof ModelPublish> {
  static override summary = 'Publish model weights to IPFS with a model card manifest.'
  static override description = `Imports every file (GGUF, safetensors, tokenizer files, anything) into the local IPFS repo with kubo-compatible
CIDs, computes each file's sha256 in the same read, reads GGUF headers into the model card, and stores the manifest
in IPFS. Re-running reuses blocks already stored, so an interrupted publish finishes where it stopped.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> ./weights --name tiny-llama --license apache-2.0',
    '<%= config.bin %> <%= command.id %> model.gguf tokenizer.json --name my-model --cid-profile unixfs-v1-2025 --json',
  ]
  static override strict = false
  static override args = { paths: Args.string({ description: 'Files or directories to publish.', required: true }) }
  static override flags = {
    name: Flags.string({ summary: 'Model name for the card.', required: true }),
    description: Flags.string({ summary: 'One-paragraph description.' }),
    license: Flags.string({ summary: 'License (SPDX id such as apache-2.0).' }),
    architecture: Flags.string({ summary: 'Architecture (default: from the GGUF header).' }),
    dataset: Flags.string({ summary: 'A dataset the model was trained on (repeatable).', multiple: true }),
    parent: Flags.string({ summary: 'Manifest CID of the previous version.' }),
    'cid-profile': Flags.string({ summary: 'DAG parameters for the CIDs.', options: Object.keys(cidProfiles), default: DEFAULT_CID_PROFILE }),
    card: Flags.file({ summary: 'JSON template with card defaults (description, license, datasets).', exists: true }),
    readme: Flags.file({ summary: 'Markdown template for the card text ({{name}}, {{files}}, …).', exists: true }),
    'ipfs-only': Flags.boolean({ summary: 'Only publish to IPFS; do not create the model on chain.', default: true }),
  }

  async run(): Promise<PublishResult> {
    const { argv } = await this.parse(ModelPublish)
    const repo = openRepo(this.layout.ipfs)
    const progress = new TransferProgress(!this.jsonEnabled())
    const interrupt = interruptSignal()
    try {
      const result = await publishToIpfs({
        repo,
        inputs: argv as string[],
        name: this.flags.name,
        description: this.flags.description,
        license: this.flags.license,
        architecture: this.flags.architecture,
        datasets: this.flags.dataset,
        parent: this.flags.parent,
        cidProfile: this.flags['cid-profile'],
        cardTemplate: this.flags.card,
        readmeTemplate: this.flags.readme,
        signal: interrupt.signal,
        onProgress: (event) => {
          if (event.stage === 'file-start') progress.startItem(event.path)
          else if (event.stage === 'importing') {
            progress.update({ bytes: event.fileBytes, total: event.fileTotal }, { bytes: event.bytes, total: event.total })
          } else if (event.stage === 'file-done') progress.finishItem(`${event.path} ${event.cid}`)
        },
      })
      this.log(`Published "${result.manifest.name}": ${result.manifest.files.length} file(s), ${formatBytes(result.bytes)} in ${result.seconds.toFixed(1)}s (${formatBytes(result.bytes / Math.max(result.seconds, 1e-3))}/s)`)
      this.log(`Manifest CID: ${result.manifestCid}`)
      return result
    } catch (error) {
      if (interrupt.signal.aborted) {
        throw new ModeldaoError('INTERRUPTED', 'Publishing was interrupted.', {
          hints: ['Blocks stored so far are kept: run the same command again to finish (it reuses them).'],
          exitCode: ExitCode.internal,
        })
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new ModeldaoError('DISK_FULL', `The disk holding ${this.layout.ipfs} is full.`, {
          hints: ['Free space (`modeldao ipfs gc` drops unpinned blocks), then run the same command again: finished blocks are reused.'],
          exitCode: ExitCode.unavailable,
        })
      }
      throw error
    } finally {
      interrupt.dispose()
      await repo.close()
    }
  }
}
