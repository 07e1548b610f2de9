import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { describeCause, ModeldaoError } from '../../core/errors/base.js'
import { formatBytes, getProgress, interruptSignal, TransferProgress } from '../../cli/progress.js'
import { registerNode, type RegisterNodeReturnType } from '../../core/actions/node/registerNode.js'
import { DEFAULT_NODE_PORT, ServingNode, type ServingNodeInfo, type VersionChange } from '../../core/actions/node/startServingNode.js'
import type { PriceList } from '../../core/payments/prices.js'
import { formatToken, parseTokenAmount, type TokenInfo } from '../../core/shares/market.js'

export default class NodeServe extends BaseCommand<typeof NodeServe> {
  static override summary = 'Serve a model over an OpenAI-compatible HTTP API, after checking its weights against the on-chain manifest.'
  static override description = `--model takes a model id on chain, a manifest CID, or a local .gguf file or folder. For an id or CID the manifest is
read (chain, then IPFS), the GGUF is fetched into the home folder from the local repo, --peer and --gateway sources
(every block checked against its CID), or taken from --weights; then its size, sha256 and CID are recomputed from the
bytes on disk and compared with the manifest BEFORE anything loads them: a tampered or different file refuses to start,
naming the file and both hashes. A local path is served as is (unverified). The GGUF header is validated in TypeScript
before llama.cpp sees it.

API: POST /v1/chat/completions and /v1/completions (stream: true as server-sent events), GET /v1/models, /health,
/metrics (Prometheus). Every response carries usage, streams too in their final chunk. Each completed request leaves a
receipt draft (model, weights CID, prompt token hash, sampling parameters and seed, output tokens, per-token
log-probabilities and logit gaps) in the node's database, readable at GET /v1/receipts/<id> (the x-modeldao-receipt
header names it). --parallel N decodes N requests together in one batch; up to --queue more wait, beyond that the
node answers 429 with Retry-After. A client that disconnects stops its generation and frees its sequence.
With --price-per-request (and --price-per-token) requests are paid over x402: an unpaid one gets a 402 offering
channel vouchers and the standard exact (EIP-3009) scheme; the fee share goes to the model's holders when the node
settles (every 10 minutes, and when a payer starts a withdrawal). --register stakes the minimum in NodeRegistry and
lists the node (endpoint and prices) so clients and validators find it; a proven cheat loses that stake.
Binds 127.0.0.1 unless --host says otherwise. Runs until Ctrl-C.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --model 1 --gateway http://127.0.0.1:8080',
    '<%= config.bin %> <%= command.id %> --model 1 --weights ./model --parallel 4 --port 8000',
    '<%= config.bin %> <%= command.id %> --model 1 --price-per-request 0.001 --price-per-token 0.0001 --register --account operator  # paid over x402, listed for validators',
    '<%= config.bin %> <%= command.id %> --model ./tiny.gguf --port 0 --json',
    '<%= config.bin %> <%= command.id %> --model bafkrei… --gpu cuda --context-size 4096 --parallel 8',
  ]
  static override flags = {
    ...signerFlags,
    model: Flags.string({ summary: 'Model id on chain, manifest CID, or a local .gguf file or folder.', required: true }),
    weights: Flags.string({ summary: "A local copy of the model's files (folder or .gguf), verified against the manifest instead of fetched." }),
    file: Flags.string({ summary: 'Which GGUF of the manifest to serve, when it has several.' }),
    peer: Flags.string({ summary: 'libp2p multiaddr of a node that has the model (repeatable).', multiple: true }),
    gateway: Flags.string({ summary: 'URL of a trustless gateway that has the model (repeatable).', multiple: true }),
    gpu: Flags.string({ summary: 'Compute backend: auto uses a GPU when one works; cuda and vulkan fail without one.', options: ['auto', 'cuda', 'vulkan', 'off'], default: 'off' }),
    threads: Flags.integer({ summary: 'CPU threads per evaluation (a paid node on the CPU takes 1: its receipts must replay exactly; use --parallel for throughput).', default: 1, min: 1 }),
    'context-size': Flags.integer({ summary: 'Tokens per sequence, prompt and output together (at most the model’s).', default: 2048, min: 16 }),
    parallel: Flags.integer({ summary: 'Sequences decoded together: requests served at once.', default: 1, min: 1, max: 256 }),
    queue: Flags.integer({ summary: 'Requests that may wait for a sequence before the node answers 429 (default 4 × parallel).', min: 0 }),
    'max-tokens': Flags.integer({ summary: 'Largest max_tokens a request may ask for (also the default).', default: 1024, min: 1 }),
    host: Flags.string({ summary: 'Bind address.', default: '127.0.0.1' }),
    port: Flags.integer({ summary: 'HTTP port (0 = any free port).', default: DEFAULT_NODE_PORT, min: 0, max: 65535 }),
    'price-per-request': Flags.string({ summary: 'Charge per request over x402, in payment-token units ("0.001"); with --price-per-token. Needs --model <id> and a signing account (the operator).' }),
    'price-per-token': Flags.string({ summary: 'Charge per output token, in payment-token units ("0.0001").', dependsOn: ['price-per-request'] }),
    register: Flags.boolean({ summary: 'List this node in NodeRegistry for the model (stakes the minimum, slashable; updates endpoint and prices if listed already).', dependsOn: ['price-per-request'] }),
    'public-url': Flags.string({ summary: 'The URL clients reach this node at, for --register (default: the bound address).' }),
    // A cheating node for validators to catch: local chains only, hidden from --help.
    'version-check': Flags.integer({ summary: "Seconds between reads of the model's canonical version on chain; the node stops when the DAO promotes another (0: never).", default: 30, min: 0 }),
    'dev-substitute-weights': Flags.string({ summary: 'Local chains only: load this GGUF while receipts name the registered weights.', hidden: true }),
  }

  /** The payment token, read with the prices: amounts are printed in it. */
  private token: TokenInfo | undefined

  async run(): Promise<ServingNodeInfo> {
    using interrupt = interruptSignal()
    const fetching = getProgress(new TransferProgress(!this.jsonEnabled()))
    let superseded: VersionChange | undefined
    let endServing: () => void = () => {}
    const versionChanged = new Promise<void>((resolve) => (endServing = resolve))
    const prices = await this.prices()
    const node = new ServingNode(this.ctx, {
      model: this.flags.model,
      weights: this.flags.weights,
      file: this.flags.file,
      peer: this.flags.peer,
      gateway: this.flags.gateway,
      signal: interrupt.signal,
      onProgress: (event) => (event.stage === 'verifying' ? this.progress(`Verifying ${event.path} against the manifest (CID and sha256)`) : fetching(event)),
      gpu: this.flags.gpu as 'auto' | 'cuda' | 'vulkan' | 'off',
      threads: this.flags.threads,
      contextSize: this.flags['context-size'],
      parallel: this.flags.parallel,
      queue: this.flags.queue,
      maxTokens: this.flags['max-tokens'],
      devSubstituteWeights: this.flags['dev-substitute-weights'],
      versionCheckMs: this.flags['version-check'] * 1000,
      onSuperseded: (change) => {
        superseded = change
        process.stderr.write(`The model's DAO promoted version ${change.canonical}; this node served ${change.served} and stops serving it now.\n`)
        endServing()
      },
      host: this.flags.host,
      port: this.flags.port,
      payments: prices
        ? {
            prices,
            // On stderr: stdout carries the --json ready line only.
            onSettled: (result, error) => {
              if (error) process.stderr.write(`Settlement failed (the vouchers are kept and retried): ${describeCause(error)}\n`)
              else if (result?.vouchers) process.stderr.write(`Settled ${result.vouchers} voucher(s): ${this.amount(result.claimed)}, ${this.amount(result.fees)} of them to the holders\n`)
            },
          }
        : undefined,
    })
    let registered: RegisterNodeReturnType | undefined
    const register = async (ready: ServingNodeInfo) => {
      if (!this.flags.register || !prices) return ready
      this.progress('Registering the node in NodeRegistry')
      registered = await registerNode(this.ctx, { modelId: ready.model, url: this.flags['public-url'] ?? ready.url, prices })
      this.progressDone()
      return { ...ready, registered }
    }
    const info = await this.serve(node, (ready) => {
      this.progressDone()
      const w = ready.weights
      this.log(`Serving ${ready.model} ("${w.name}") at ${ready.url}/v1`)
      this.log(`  weights  ${w.file} ${formatBytes(w.size)} ${w.weightsCid} ${w.verified ? '(verified against the manifest)' : '(local file, not verified)'}`)
      this.log(`  engine   ${ready.engine.gpu || 'cpu'}, ${ready.engine.threads} thread(s), ${ready.engine.parallel} sequence(s) of ${ready.engine.contextSize} tokens, queue ${ready.queue}`)
      if (ready.payments) this.log(`  payments x402 (channel vouchers, exact): ${this.amount(ready.payments.prices.perRequest)} per request + ${this.amount(ready.payments.prices.perOutputToken)} per output token, to ${ready.payments.operator}`)
      if (registered) this.log(`  registry ${registered.updated ? 'updated' : 'registered'} for model ${registered.modelId} at ${registered.url}, stake ${this.amount(registered.stake)}`)
      if (ready.host !== '127.0.0.1' && ready.host !== 'localhost' && ready.host !== '::1') this.warn(`Listening on ${ready.host}: reachable from other machines.`)
      this.log('Ctrl-C to stop.')
    }, register, versionChanged)
    this.log('Stopped.')
    if (superseded) {
      throw new ModeldaoError('MODEL_VERSION_SUPERSEDED', `Model ${superseded.modelId}'s canonical version is now ${superseded.canonical}; this node served ${superseded.served} and stopped.`, {
        hints: [`Start it again (\`modeldao node serve --model ${superseded.modelId}\`): it fetches and verifies the new weights. Receipts of the old version stay checkable against it.`],
      })
    }
    return info
  }

  /** An amount of base units in the payment token ("0.0001 tUSD"). */
  private amount(units: bigint | string): string {
    return this.token ? formatToken(units, this.token) : `${units} base units`
  }

  /** --price-per-request/--price-per-token in the payment token's units, as base units. */
  private async prices(): Promise<PriceList | undefined> {
    const perRequest = this.flags['price-per-request']
    if (perRequest === undefined) return undefined
    const token = (this.token = await this.paymentToken())
    return {
      perRequest: parseTokenAmount(perRequest, token.decimals, '--price-per-request', { allowZero: true }),
      perOutputToken: parseTokenAmount(this.flags['price-per-token'] ?? '0', token.decimals, '--price-per-token', { allowZero: true }),
    }
  }
}
