import { Args, Flags } from '@oclif/core'
import { formatUnits } from 'viem'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { confirm } from '../../cli/confirm.js'
import { formatBytes, interruptSignal, TransferProgress } from '../../cli/progress.js'
import { ExitCode, ModeldaoError } from '../../core/errors/base.js'
import { cidProfiles, DEFAULT_CID_PROFILE } from '../../core/ipfs/cidProfiles.js'
import { openRepo } from '../../core/ipfs/repo.js'
import { publishToIpfs, type PublishResult } from '../../core/models/publish.js'
import { registerModel, termsOnChain, type RegisterModelResult } from '../../core/models/register.js'
import { assertDeployments, requireDeployments } from '../../core/chain/deployments.js'

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
    description: Flags.string({ summary: 'One-paragraph description.' }),
    license: Flags.string({ summary: 'License (SPDX id such as apache-2.0).' }),
    architecture: Flags.string({ summary: 'Architecture (default: from the GGUF header).' }),
    dataset: Flags.string({ summary: 'A dataset the model was trained on (repeatable).', multiple: true }),
    parent: Flags.string({ summary: 'Manifest CID of the previous version.' }),
    'cid-profile': Flags.string({ summary: 'DAG parameters for the CIDs.', options: Object.keys(cidProfiles), default: DEFAULT_CID_PROFILE }),
    card: Flags.file({ summary: 'JSON template with card defaults (description, license, datasets).', exists: true }),
    readme: Flags.file({ summary: 'Markdown template for the card text ({{name}}, {{files}}, …).', exists: true }),
    'ipfs-only': Flags.boolean({ summary: 'Only publish to IPFS; do not create the model on chain.', default: false }),
    supply: Flags.string({ summary: 'Number of shares to mint to you.', default: '1000000' }),
    royalty: Flags.string({ summary: 'Royalty on secondary sales, percent (0-25).', default: '5' }),
    'fee-share': Flags.string({ summary: "Shareholders' cut of every paid request, percent (0-100).", default: '70' }),
    price: Flags.string({ summary: 'Price per request in the payment token (e.g. 0.002).', default: '0.001' }),
    yes: Flags.boolean({ char: 'y', summary: 'Send the transaction without asking.', default: false }),
    ...signerFlags,
  }

  async run(): Promise<PublishResult & { model?: RegisterModelResult }> {
    const { argv } = await this.parse(ModelPublish)
    // Chain problems (no RPC, no deployment, bad terms, no signer) fail before any import work.
    let chain
    if (!this.flags['ipfs-only']) {
      const connection = await this.connect()
      const deployments = await requireDeployments(this.layout.deployments, connection.chainId)
      await assertDeployments(connection, this.layout.deployments, deployments)
      if (!/^\d+$/.test(this.flags.supply)) throw new ModeldaoError('TERMS_INVALID', `--supply must be a whole number, got "${this.flags.supply}".`, { exitCode: ExitCode.usage })
      const terms = await termsOnChain(connection, deployments, {
        supply: BigInt(this.flags.supply),
        royaltyPercent: Number(this.flags.royalty),
        feeSharePercent: Number(this.flags['fee-share']),
        pricePerRequest: this.flags.price,
      })
      const account = await this.signer(connection)
      chain = { connection, deployments, terms, account }
    }
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
        creator: chain?.account.address,
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
      if (!chain) return result
      const { connection, deployments, terms, account } = chain
      await confirm(
        `Create model "${result.manifest.name}" on chain ${connection.chainId} from ${account.address}: ${terms.supply} shares, ` +
          `royalty ${Number(terms.royaltyBps) / 100}%, shareholders' fee share ${terms.feeShareBps / 100}%, ` +
          `price ${formatUnits(terms.pricePerRequest, terms.paymentTokenDecimals)} ${terms.paymentTokenSymbol}/request?`,
        this.flags.yes,
      )
      this.progress('Sending createModel')
      const model = await registerModel({ connection, deployments, account, manifestCid: result.manifestCid, terms })
      this.progressDone(`model ${model.modelId}`)
      this.log(`Model ${model.modelId} created on chain ${connection.chainId} (transaction ${model.transactionHash}).`)
      return { ...result, model }
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
