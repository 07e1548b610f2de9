import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { validateGguf } from '../../models/ggufValidate.js'
import { Service } from '../../service/service.js'
import { InferenceEngine, type EngineInfo, type GpuChoice } from '../../serving/engine.js'
import { NodeListenError, NodeOptionsInvalidError } from '../../serving/errors.js'
import { HttpApi } from '../../serving/httpApi.js'
import { NodeMetrics } from '../../serving/metrics.js'
import { ReceiptStore } from '../../receipts/store.js'
import { SequenceScheduler } from '../../serving/scheduler.js'
import { LOCAL_CHAIN_IDS } from '../../chain/local/devAccounts.js'
import { resolveServedWeights, type ResolveWeightsParams, type ServedWeights } from '../../serving/weights.js'
import { PaymentGate } from '../../payments/gate.js'
import type { PriceList } from '../../payments/prices.js'
import { settleVouchers, type SettleVouchersResult } from '../../payments/settlement.js'
import { PaymentStore } from '../../payments/store.js'
import type { Address } from 'viem'
import type { ChainConnection } from '../../chain/rpc/connection.js'
import { protocolArtifacts } from '../../chain/protocol/generated/contracts.js'

export type ServingNodeParams = ResolveWeightsParams & {
  gpu?: GpuChoice | undefined
  /** Threads per evaluation (default 1). */
  threads?: number | undefined
  /** Tokens per sequence, prompt and output together (default 2048, at most the model's). */
  contextSize?: number | undefined
  /** Sequences decoded together in one batch: concurrent requests (default 1). */
  parallel?: number | undefined
  /** Requests that may wait for a sequence before the node answers 429 (default 4 × parallel). */
  queue?: number | undefined
  /** Largest max_tokens a request may ask for (default 1024). */
  maxTokens?: number | undefined
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number | undefined
  /** Bind address (default 127.0.0.1) and port (default 8000; 0 = any free port). */
  host?: string | undefined
  port?: number | undefined
  /**
   * Charge per request over x402 (channel vouchers and `exact` authorizations), paying the fee share to the model's
   * holders. The model must be served by its on-chain id; the signer is the operator.
   */
  payments?: NodePaymentOptions | undefined
  /**
   * Test and demo only, local chains only: load this GGUF instead of the verified weights while receipts keep naming
   * the registered ones: a cheating node, for validators' spot checks to catch.
   */
  devSubstituteWeights?: string | undefined
  /**
   * How often to read the model's canonical manifest on chain (default 30 s; 0: never). When the model's DAO promotes
   * another version, the node stops serving the superseded weights (503 model_version_superseded) and calls
   * `onSuperseded`: restart it to fetch and verify the new ones.
   */
  versionCheckMs?: number | undefined
  onSuperseded?: ((change: VersionChange) => void) | undefined
}
/** The model's canonical manifest moved away from the one this node serves. */
export type VersionChange = { modelId: string; served: string; canonical: string }
export type NodePaymentOptions = {
  prices: PriceList
  /** Output ceiling of one fixed-price `exact` request (default: the node's max tokens). */
  exactMaxTokens?: number | undefined
  /** Settle every this many ms (default 10 minutes; 0: only on demand and on withdrawals). */
  settleEveryMs?: number | undefined
  /** Settle as soon as this much is owed (default: never on amount alone). */
  settleAbove?: bigint | undefined
  /** How often to look for withdrawal requests on channels that owe the node (default 15 s). */
  withdrawalCheckMs?: number | undefined
  /** Called after each automatic settlement, or with its error. */
  onSettled?: ((result: SettleVouchersResult | undefined, error?: unknown) => void) | undefined
}
export type ServingNodeInfo = {
  url: string
  host: string
  port: number
  /** The id clients name in `model`. */
  model: string
  weights: ServedWeights
  engine: EngineInfo
  queue: number
  maxTokens: number
  /** Present when requests are paid: who is paid and how much. */
  payments?: { operator: string; prices: { perRequest: string; perOutputToken: string }; exactMaxTokens: number; exactReceiver: string; channels: string } | undefined
}
export type StartServingNodeReturnType = ServingNode
/** MODEL_UNKNOWN, MODEL_HAS_NO_GGUF, WEIGHTS_MISMATCH, WEIGHTS_NOT_FOUND, GGUF_MALFORMED, GPU_UNAVAILABLE, ENGINE_LOAD_FAILED, NODE_LISTEN_FAILED, NODE_OPTIONS_INVALID, and the fetch errors (SOURCES_EXHAUSTED…). */
export type ServingNodeErrorType = ModeldaoError

export const DEFAULT_NODE_PORT = 8000

function checkOptions(params: ServingNodeParams) {
  const check = (value: number | undefined, name: string, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new NodeOptionsInvalidError(`${name} must be a whole number from ${min} to ${max}, got ${value}.`, `Pass ${name} within range; see \`modeldao node serve --help\`.`)
    }
  }
  check(params.threads, '--threads', 1, 1024)
  check(params.contextSize, '--context-size', 16, 1 << 20)
  check(params.parallel, '--parallel', 1, 256)
  check(params.queue, '--queue', 0, 1 << 16)
  check(params.maxTokens, '--max-tokens', 1, 1 << 20)
  check(params.port, '--port', 0, 65535)
  if (params.payments && (params.gpu ?? 'off') === 'off') checkReplayableThreads(params.threads ?? 1)
}

/**
 * A paid node's receipts must replay. On the CPU, llama.cpp decodes a token with several threads in another order than
 * with one (and node-llama-cpp may lower the count while other evaluations run): over a long context a quantized
 * model's numbers then drift by 5e-3 to 1.5e-2 nat per token on average (measured), as far as a one-layer copy of
 * sharp weights does. One thread per decode is exact; throughput comes from --parallel sequences instead.
 */
function checkReplayableThreads(threads: number) {
  if (threads > 1) {
    throw new NodeOptionsInvalidError(
      `--threads ${threads}: a paid node on the CPU decodes on one thread, so that validators can replay its receipts exactly (several threads decode in another order: an honest node would be flagged).`,
      'Serve with --threads 1 (the default) and raise --parallel for throughput, or serve on a GPU (--gpu cuda).',
    )
  }
}

/**
 * A serving node: the model's weights verified against its on-chain manifest, loaded with node-llama-cpp, served
 * over an OpenAI-compatible HTTP API with metrics and a receipt draft per request.
 * @example
 * await using node = new ServingNode(md, { model: '1', parallel: 4, port: 0 })
 * const { url } = await node.start()
 */
export class ServingNode extends Service<ServingNodeInfo> {
  private engine: InferenceEngine | undefined
  private server: Server | undefined
  private receipts: ReceiptStore | undefined
  private paymentStore: PaymentStore | undefined
  private gate: PaymentGate | undefined
  private settleTimer: NodeJS.Timeout | undefined
  private withdrawalTimer: NodeJS.Timeout | undefined
  private versionTimer: NodeJS.Timeout | undefined
  /** Set once the served version is no longer canonical: nothing more is served. */
  private superseded: VersionChange | undefined
  /** The first block whose withdrawal requests have not been looked at yet. */
  private withdrawalsFrom = 0n
  private watching = false
  private watchName = ''
  private settling: Promise<SettleVouchersResult | undefined> = Promise.resolve(undefined)
  readonly metrics = new NodeMetrics()

  constructor(
    private readonly ctx: ModeldaoContext,
    private readonly params: ServingNodeParams,
  ) {
    super()
    checkOptions(params)
  }

  protected async open(): Promise<ServingNodeInfo> {
    const weights = await resolveServedWeights(this.ctx, this.params)
    const modelPath = await this.substitute(weights.path)
    // Checked in TypeScript first: a malformed header can abort the whole process inside llama.cpp.
    const layout = await validateGguf(modelPath, ['The node refuses to load it: fix or replace the file (`modeldao dev gguf` writes valid test models).'])
    const vocabularySize = (layout.metadata.get('tokenizer.ggml.tokens') as unknown[]).length
    const parallel = this.params.parallel ?? 1
    try {
      this.engine = await InferenceEngine.open({ modelPath, gpu: this.params.gpu, threads: this.params.threads, contextSize: this.params.contextSize, parallel })
      // --gpu auto found no GPU: the CPU rule holds.
      if (this.params.payments && !this.engine.info.gpu) checkReplayableThreads(this.engine.info.threads)
      this.receipts = new ReceiptStore(this.ctx.home.serving)
      const scheduler = new SequenceScheduler(this.engine.sequences(), this.params.queue ?? 4 * parallel, () => {
        this.metrics.queueDepth.set(scheduler.queued)
        this.metrics.activeSequences.set(scheduler.active)
      })
      const modelId = weights.modelId ?? weights.manifestCid ?? weights.name
      const maxTokens = this.params.maxTokens ?? 1024
      const payments = this.params.payments ? await this.openPayments(weights, maxTokens) : undefined
      const api = new HttpApi({
        payments: this.gate,
        engine: this.engine,
        scheduler,
        metrics: this.metrics,
        receipts: this.receipts,
        weights,
        limits: { maxTokens, maxTopLogprobs: 20, maxBodyBytes: this.params.maxBodyBytes ?? 1 << 20 },
        modelId,
        modelAliases: [weights.manifestCid, weights.weightsCid, weights.name].filter((a): a is string => a !== null),
        vocabularySize,
        superseded: () => this.superseded,
      })
      const host = this.params.host ?? '127.0.0.1'
      const port = this.params.port ?? DEFAULT_NODE_PORT
      this.server = createServer({ keepAlive: true }, api.handle)
      await new Promise<void>((resolve, reject) => {
        this.server!.once('error', (error) => reject(new NodeListenError(host, port, error)))
        this.server!.listen(port, host, () => resolve())
      })
      this.watchVersion(weights)
      const bound = (this.server.address() as AddressInfo).port
      const shown = host.includes(':') ? `[${host}]` : host
      return { url: `http://${shown}:${bound}`, host, port: bound, model: modelId, weights, engine: this.engine.info, queue: scheduler.maxQueue, maxTokens, payments }
    } catch (error) {
      await this.close()
      throw error
    }
  }

  /** Reads the model's canonical manifest on a timer: a node never goes on serving superseded weights unnoticed. */
  private watchVersion(weights: ServedWeights) {
    const every = this.params.versionCheckMs ?? 30_000
    if (every <= 0 || weights.modelId === null || weights.manifestCid === null) return
    const { modelId, manifestCid } = weights
    const check = async () => {
      const [connection, shares] = await Promise.all([this.ctx.chain(), this.ctx.contract('ModelShares')])
      const canonical = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'manifestCid', args: [BigInt(modelId)] })
      if (canonical === manifestCid || this.superseded) return
      this.superseded = { modelId, served: manifestCid, canonical }
      clearInterval(this.versionTimer)
      this.params.onSuperseded?.(this.superseded)
    }
    // A failed read (the RPC down a moment) is retried at the next tick; it never stops serving on its own.
    this.versionTimer = setInterval(() => void check().catch(() => undefined), every)
    this.versionTimer.unref()
  }

  /** The file to load: the verified weights, or (local chains only) a dev substitute that receipts will not name. */
  private async substitute(verified: string): Promise<string> {
    const path = this.params.devSubstituteWeights
    if (path === undefined) return verified
    const { chainId } = await this.ctx.chain()
    if (!LOCAL_CHAIN_IDS.has(chainId)) throw new NodeOptionsInvalidError(`--dev-substitute-weights is refused on chain ${chainId}: it exists to test validators on a local chain.`, 'Serve the verified weights.')
    return path
  }

  private async openPayments(weights: ServedWeights, maxTokens: number): Promise<ServingNodeInfo['payments']> {
    const options = this.params.payments!
    if (weights.modelId === null) {
      throw new NodeOptionsInvalidError('A paid node serves a registered model: its fees go to that model\'s holders.', 'Serve the model by its on-chain id (`--model <id>`), or drop the prices to serve for free.')
    }
    const [connection, operator, deployments] = await Promise.all([this.ctx.chain(), this.ctx.signer(), this.ctx.deployments()])
    const address = (name: 'PaymentChannels' | 'ExactPayments' | 'ModelShares') => {
      const found = deployments.contracts[name]?.address
      if (!found) throw new NodeOptionsInvalidError(`The deployment on chain ${connection.chainId} has no ${name}.`, 'Redeploy the protocol (`modeldao deploy --force`).')
      return found
    }
    this.paymentStore = new PaymentStore(this.ctx.home.serving)
    const exactMaxTokens = options.exactMaxTokens ?? maxTokens
    const channels = address('PaymentChannels')
    this.gate = await PaymentGate.open({
      connection,
      operator,
      addresses: { channels, exactPayments: address('ExactPayments'), modelShares: address('ModelShares'), paymentToken: deployments.paymentToken },
      modelId: BigInt(weights.modelId),
      prices: options.prices,
      exactMaxTokens,
      store: this.paymentStore,
      // A payer started a withdrawal: settle now, inside the thaw.
      onWithdrawalSeen: () => void this.settleAndReport(this.settle()),
    })
    if (options.settleEveryMs !== 0) {
      this.settleTimer = setInterval(() => void this.settleAndReport(this.settle(options.settleAbove)), options.settleEveryMs ?? 10 * 60_000)
      this.settleTimer.unref()
    }
    // A payer may start a withdrawal and send no more requests: watch the chain for it too, so the node settles what
    // that channel owes inside the thaw (at least 15 minutes) rather than at the next timer or not at all.
    // The watcher resumes after the last block it processed, so a withdrawal asked while the node was down is seen
    // (a chain restarted below that block starts over). Anything owed at start-up is settled at once: the node may
    // have died with acknowledged costs unsettled, and a thaw may already be running.
    const latest = await connection.publicClient.getBlockNumber({ cacheTime: 0 })
    this.watchName = `withdrawals:${connection.chainId}:${channels.toLowerCase()}`
    const watched = this.paymentStore.watchedThrough(this.watchName)
    this.withdrawalsFrom = watched !== undefined && watched <= latest ? watched + 1n : latest + 1n
    if (this.paymentStore.vouchers().some((v) => v.consumed > v.settled)) void this.settleAndReport(this.settle())
    this.withdrawalTimer = setInterval(() => void this.watchWithdrawals(connection, channels).catch(() => {}), options.withdrawalCheckMs ?? 15_000)
    this.withdrawalTimer.unref()
    return {
      operator: operator.address,
      prices: { perRequest: options.prices.perRequest.toString(), perOutputToken: options.prices.perOutputToken.toString() },
      exactMaxTokens,
      exactReceiver: this.gate.exactReceiver,
      channels,
    }
  }

  /** Settles now if a withdrawal was requested, since the last look, on a channel that owes this node money. */
  private async watchWithdrawals(connection: ChainConnection, channels: Address) {
    const store = this.paymentStore
    if (this.watching || !store) return
    this.watching = true
    try {
      const latest = await connection.publicClient.getBlockNumber({ cacheTime: 0 })
      if (latest < this.withdrawalsFrom) return
      // A long downtime is read in pages: RPCs cap the block range of one log query.
      const to = latest - this.withdrawalsFrom >= WATCH_PAGE_BLOCKS ? this.withdrawalsFrom + WATCH_PAGE_BLOCKS - 1n : latest
      const requested = await connection.publicClient.getContractEvents({ address: channels, abi: protocolArtifacts.PaymentChannels.abi, eventName: 'WithdrawalRequested', fromBlock: this.withdrawalsFrom, toBlock: to })
      const owing = new Set(store.vouchers().filter((v) => v.consumed > v.settled).map((v) => v.channelId.toLowerCase()))
      if (requested.some((log) => owing.has(String(log.args.channelId).toLowerCase()))) {
        // Past these blocks only once what they asked for is settled: a failed settlement is retried on the next look.
        // Awaited first: `onSettled?.(await this.settle())` would skip the settlement when no callback is given.
        let settled: SettleVouchersResult | undefined
        try {
          settled = await this.settle()
        } catch (error) {
          this.params.payments?.onSettled?.(undefined, error)
          return
        }
        this.params.payments?.onSettled?.(settled)
      }
      this.withdrawalsFrom = to + 1n
      store.setWatchedThrough(this.watchName, to)
    } finally {
      this.watching = false
    }
  }

  /** Settles at most 30 s more, the settlement already running included: a chain that does not answer keeps the vouchers. */
  private async settleOnStop() {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the chain did not confirm the settlement within 30 s; the vouchers stay in the store')), 30_000)
    })
    await this.settleAndReport(Promise.race([this.settle(), timeout]))
    clearTimeout(timer)
  }

  /** Waits for a settlement and tells `onSettled` how it went; never throws (the vouchers stay for the next one). */
  private async settleAndReport(settling: Promise<SettleVouchersResult | undefined>) {
    const onSettled = this.params.payments?.onSettled
    try {
      // Awaited first: `onSettled?.(await settling)` would skip the await, and leave a failure unhandled, with no callback.
      const result = await settling
      onSettled?.(result)
    } catch (error) {
      onSettled?.(undefined, error)
    }
  }

  /**
   * Settles every voucher consumption this node acknowledged and has not settled (one at a time: calls queue up).
   * @param minAmount Skip when less than this is owed.
   */
  settle(minAmount?: bigint): Promise<SettleVouchersResult | undefined> {
    const gate = this.gate
    const store = this.paymentStore
    if (!gate || !store) return Promise.resolve(undefined)
    const run = async () => {
      const [connection, operator] = await Promise.all([this.ctx.chain(), this.ctx.signer()])
      return settleVouchers(connection, operator, gate.config.addresses.channels, store, { minAmount })
    }
    this.settling = this.settling.catch(() => undefined).then(run)
    return this.settling
  }

  protected async close(): Promise<void> {
    clearInterval(this.settleTimer)
    clearInterval(this.versionTimer)
    clearInterval(this.withdrawalTimer)
    const server = this.server
    this.server = undefined
    if (server) {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    // What clients paid for is settled before the node goes away: a payer could otherwise withdraw it while the
    // node is down. It queues behind a settlement already running; both are bounded together: a chain that does not
    // answer leaves the vouchers in the store for the next start.
    if (this.gate && this.paymentStore) await this.settleOnStop()
    else await this.settling.catch(() => undefined)
    await this.engine?.close()
    this.engine = undefined
    this.receipts?.close()
    this.receipts = undefined
    // A settlement still running past the bound records its result before the store closes.
    const store = this.paymentStore
    this.paymentStore = undefined
    if (store) void this.settling.catch(() => undefined).then(() => store.close()).catch(() => undefined)
    this.gate = undefined
  }
}

/** The most blocks one withdrawal look reads (RPCs cap the range of a log query; 10,000 is a common cap). */
const WATCH_PAGE_BLOCKS = 5_000n

/**
 * Starts a serving node and resolves once it listens. Stop it with `stop()` or `await using`.
 * @example
 * await using node = await startServingNode(md, { model: '1', port: 0 })
 * console.log(node.info!.url)
 */
export async function startServingNode(ctx: ModeldaoContext, params: ServingNodeParams): Promise<StartServingNodeReturnType> {
  const node = new ServingNode(ctx, params)
  try {
    await node.start()
  } catch (error) {
    await node.stop()
    throw error
  }
  return node
}
