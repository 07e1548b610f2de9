import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { confirm, registrationQuestion } from '../../cli/confirm.js'
import { modelCardFlags, modelTermsFlags } from '../../cli/flags.js'
import { formatBytes, interruptSignal, publishProgress, TransferProgress } from '../../cli/progress.js'
import { publishModel, type PublishModelReturnType } from '../../core/actions/models/publishModel.js'
import { parseModelTerms } from '../../core/models/terms.js'

export default class ModelPublish extends BaseCommand<typeof ModelPublish> {
  static override summary = 'Publish model weights to IPFS with a model card manifest.'
  static override description = `Imports every file (GGUF, safetensors, tokenizer files, anything) into the local IPFS repo with kubo-compatible
CIDs, computes each file's sha256 in the same read, reads GGUF headers into the model card, and stores the manifest
in IPFS. Re-running reuses blocks already stored, so an interrupted publish finishes where it stopped.
Then, unless --ipfs-only, registers the manifest on chain as a new model (ModelShares.createModel): the whole share
supply is minted to the signer, after a confirmation (or --yes).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> ./weights --name tiny-llama --license apache-2.0 --dev-account 0',
    '<%= config.bin %> <%= command.id %> ./weights --name tiny-llama --account alice --supply 1000000 --royalty 5 --fee-share 70 --price 0.002',
    '<%= config.bin %> <%= command.id %> model.gguf tokenizer.json --name my-model --ipfs-only --cid-profile unixfs-v1-2025 --json',
  ]
  static override strict = false
  static override args = { paths: Args.string({ description: 'Files or directories to publish.', required: true }) }
  static override flags = {
    name: Flags.string({ summary: 'Model name for the card.', required: true }),
    ...modelCardFlags,
    'ipfs-only': Flags.boolean({ summary: 'Only publish to IPFS; do not create the model on chain.', default: false }),
    ...modelTermsFlags,
    yes: Flags.boolean({ char: 'y', summary: 'Send the transaction without asking.', default: false }),
    ...signerFlags,
  }

  async run(): Promise<PublishModelReturnType> {
    const [{ argv }, flags] = [await this.parse(ModelPublish), this.flags]
    using interrupt = interruptSignal()
    const render = publishProgress(new TransferProgress(!this.jsonEnabled()))
    const result = await publishModel(this.ctx, {
      inputs: argv as string[],
      ...{ name: flags.name, description: flags.description, license: flags.license, architecture: flags.architecture },
      ...{ datasets: flags.dataset, parent: flags.parent, cidProfile: flags['cid-profile'], cardTemplate: flags.card, readmeTemplate: flags.readme, createdAt: flags['created-at'] },
      ipfsOnly: flags['ipfs-only'],
      terms: parseModelTerms({ supply: flags.supply, royalty: flags.royalty, feeShare: flags['fee-share'], price: flags.price }),
      signal: interrupt.signal,
      confirm: (summary) => confirm(registrationQuestion(summary), flags.yes),
      onProgress: (event) => ('call' in event ? this.transactionProgress(event) : render(event)),
    })
    const rate = `${formatBytes(result.bytes / Math.max(result.seconds, 1e-3))}/s`
    this.log(`Published "${result.manifest.name}": ${result.manifest.files.length} file(s), ${formatBytes(result.bytes)} in ${result.seconds.toFixed(1)}s (${rate})\nManifest CID: ${result.manifestCid}`)
    const { model } = result
    if (model) this.log(`Model ${model.modelId} ${model.alreadyRegistered ? 'already has this manifest; nothing sent' : 'created'} (tx ${model.transactionHash}).`)
    return result
  }
}
