import { AsyncLocalStorage } from 'node:async_hooks'
import { decodePaymentResponseHeader, decodePaymentSignatureHeader } from '@x402/core/http'
import { wrapFetchWithPaymentFromConfig } from '@x402/fetch'
import { ExactEvmScheme as ExactEvmClientScheme } from '@x402/evm/exact/client'
import type { PaymentPayloadResult, PaymentRequirements, SchemeNetworkClient } from '@x402/core/types'
import { recoverAddress, type Address, type Hex, type LocalAccount } from 'viem'
import { CHANNEL_SCHEME, EXACT_SCHEME, type ChannelExtra, type ChannelPayload, type ChannelSettlementExtra } from './scheme.js'
import { signVoucher, voucherDigest, type Voucher } from './vouchers.js'
import { billOfJson, checkBill, StreamBill, type AnswerBill } from './bills.js'
import { NodeOverbilledError, PaymentTermsInconsistentError } from './errors.js'

/** The request being paid for: its `max_tokens` (from its JSON body), and why the client refused to pay it. */
const paidRequest = new AsyncLocalStorage<{ maxTokens: number | undefined; refusal?: Error }>()

/** A request body's max_tokens (or max_completion_tokens), when it is JSON and names one. */
function maxTokensOf(body: unknown): number | undefined {
  if (typeof body !== 'string') return undefined
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>
    const value = parsed.max_completion_tokens ?? parsed.max_tokens
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
  } catch {
    return undefined
  }
}

type ResponseHookContext = {
  requirements: PaymentRequirements
  settleResponse?: { extra?: Record<string, unknown> | undefined } | undefined
  paymentRequired?: { error?: string | undefined; accepts: PaymentRequirements[] } | undefined
}

/**
 * Where a paying client keeps, across processes, what it accounts for on each (channel, model). Every change is a delta
 * under the ledger's own lock, so clients of one home paying on one channel at once add up instead of overwriting.
 */
export type ChannelLedger = {
  read(channelId: Hex, modelId: string): Promise<ChannelLedgerEntry | undefined>
  /** A request is about to be paid: its ceiling is in flight until `book` (other processes count it as possibly booked). */
  reserve(channelId: Hex, modelId: string, id: string, ceiling: bigint): Promise<void>
  /** A request ended: add what it cost (0 when refused), note the voucher a node accepted, and drop its reservation. */
  book(channelId: Hex, modelId: string, id: string, entry: { spent: bigint; accepted?: bigint | undefined }): Promise<void>
}
/**
 * `spent`: the sum of the checked costs (and of the ceilings of answers cut before their bill); `lastCumulative`: the
 * highest voucher a node accepted; `inFlight`: the ceilings of requests still in flight (from any process).
 */
export type ChannelLedgerEntry = { spent: bigint; lastCumulative: bigint; inFlight: bigint }

/** Kept when a node over-bills: what it claimed, under which voucher, and why the client refuses it. */
export type OverbillingEvidence = { at: string; channelId: Hex; modelId: string; reason: string; voucher: { cumulativeAmount: string; signature: Hex } | undefined; usage: Record<string, unknown> | undefined; claimedConsumed: string | undefined }

/**
 * The client half of modeldao's channel scheme, for any x402 v2 client (`x402Client.register('eip155:*', …)`): signs
 * one cumulative voucher per request, covering what this client accounts for plus the ceilings of its requests in
 * flight and this request's ceiling. It accounts for every answer by checking its bill (`checkBill`: the quoted
 * per-request + per-token price of the tokens it got, and the receipt that came with it); a node whose bill or whose
 * consumed total goes beyond that is refused every further voucher (NODE_OVERBILLED), the evidence kept. A client
 * with no record of a channel (a fresh process with no ledger) learns the consumed total from a corrective 402, but
 * never believes more than the highest voucher it can be shown to have signed.
 */
export class ChannelSchemeClient implements SchemeNetworkClient {
  readonly scheme = CHANNEL_SCHEME
  /** What this client accounts for per `${channelId}:${modelId}`: the checked costs of the answers it got. */
  readonly consumed = new Map<string, bigint>()
  /** The highest cumulative amount per `${channelId}:${modelId}` this authorizer is known to have signed. */
  readonly authorized = new Map<string, bigint>()
  /** Channels whose node claimed more than was authorized or billed more than was due: why, per `${channelId}:${modelId}`. */
  readonly disputes = new Map<string, string>()
  /** What each over-billing looked like. */
  readonly evidence: OverbillingEvidence[] = []
  /** The last voucher signed: what paid the latest request (a validator keeps it as evidence with the receipt). */
  lastVoucher: Voucher | undefined
  /** The payer's signature of `lastVoucher` (kept as evidence when a node withholds the receipt). */
  lastVoucherSignature: Hex | undefined
  /** Ceilings of requests in flight, per key, by the cumulative amount of their voucher. */
  private readonly pending = new Map<string, Map<bigint, { ceiling: bigint; terms: ChannelExtra; signature: Hex; ledgerId: string }>>()
  /** Vouchers a node refused, per key: never proof that the client signed for that much. */
  private readonly refused = new Map<string, Set<bigint>>()
  /** What a corrective 402 said other requests hold reserved (bounded by what this client knows to be in flight). */
  private readonly nodeReserved = new Map<string, { consumed: bigint; reserved: bigint }>()
  /** The last cumulative amount a node accepted per key (a corrective 402 holding it means no other client signed since). */
  private readonly lastAccepted = new Map<string, bigint>()
  private readonly loaded = new Set<string>()

  constructor(
    private readonly authorizer: LocalAccount,
    /** The channel that pays the requirement's operator (`requirements.payTo`). */
    private readonly channelFor: (requirements: PaymentRequirements) => Hex | Promise<Hex>,
    private readonly ledger?: ChannelLedger | undefined,
  ) {}

  private inFlight(key: string): bigint {
    let sum = 0n
    for (const p of this.pending.get(key)?.values() ?? []) sum += p.ceiling
    return sum
  }

  private dispute(key: string, reason: string, evidence: Omit<OverbillingEvidence, 'at' | 'reason'>) {
    if (!this.disputes.has(key)) this.disputes.set(key, reason)
    this.evidence.push({ at: new Date().toISOString(), reason, ...evidence })
  }

  /** What the ledger remembers of a key, read once per client. */
  private async load(key: string, channelId: Hex, modelId: string) {
    if (this.loaded.has(key) || !this.ledger) return
    this.loaded.add(key)
    const entry = await this.ledger.read(channelId, modelId)
    if (!entry) return
    if (entry.spent > (this.consumed.get(key) ?? 0n)) this.consumed.set(key, entry.spent)
    if (entry.lastCumulative > (this.lastAccepted.get(key) ?? 0n)) this.lastAccepted.set(key, entry.lastCumulative)
    if (entry.lastCumulative > (this.authorized.get(key) ?? 0n)) this.authorized.set(key, entry.lastCumulative)
  }

  /**
   * The most a node can honestly have booked on a key: what this client accounts for plus its requests in flight, or,
   * with a ledger, what every client of the home spent plus everything any of them has in flight (read now). Undefined
   * when nothing is known of the key (a fresh client with no record).
   */
  private async bound(key: string, channelId: Hex, modelId: string): Promise<bigint | undefined> {
    const known = this.consumed.get(key)
    const own = known === undefined ? undefined : known + this.inFlight(key)
    const entry = this.ledger ? await this.ledger.read(channelId, modelId).catch(() => undefined) : undefined
    const shared = entry ? entry.spent + entry.inFlight : undefined
    if (own === undefined) return shared
    return shared === undefined || own > shared ? own : shared
  }

  private saving: Promise<void> = Promise.resolve()

  /** Ledger writes, in order; a failed write loses nothing but the record (the chain and the node keep the money). */
  private queue(write: () => Promise<void>): Promise<void> {
    this.saving = this.saving.then(write).catch(() => {})
    return this.saving
  }

  /** Resolves once every answer read so far is written to the ledger (a process about to exit waits for it). */
  flushed(): Promise<void> {
    return this.saving
  }

  async createPaymentPayload(x402Version: number, requirements: PaymentRequirements): Promise<PaymentPayloadResult> {
    const extra = requirements.extra as unknown as ChannelExtra
    const channelId = (await this.channelFor(requirements)).toLowerCase() as Hex
    const chainId = Number(/^eip155:(\d+)$/.exec(requirements.network)?.[1])
    const key = `${channelId}:${extra.modelId}`
    const request = paidRequest.getStore()
    // The x402 client rewraps what is thrown here in a bare Error: the paying fetch rethrows this one.
    const refuse = (error: Error): never => {
      if (request) request.refusal = error
      throw error
    }
    const disputed = this.disputes.get(key)
    if (disputed) refuse(new NodeOverbilledError(disputed))
    // The ceiling must follow from the quoted terms: per request + per token × the tokens quoted for this request.
    const ceiling = BigInt(requirements.amount)
    const quoted = BigInt(extra.perRequest) + BigInt(extra.perOutputToken) * BigInt(extra.maxTokens)
    if (ceiling > quoted) refuse(new PaymentTermsInconsistentError(`it asks ${ceiling} for a request of up to ${extra.maxTokens} tokens, which its prices make ${quoted}`))
    const asked = request?.maxTokens
    if (asked !== undefined && extra.maxTokens > asked) refuse(new PaymentTermsInconsistentError(`it quotes ${extra.maxTokens} tokens for a request of at most ${asked} (max_tokens)`))
    await this.load(key, channelId, extra.modelId)
    // After a corrective 402: the node's other reservations are covered too (never more than is known to be in flight).
    const corrected = this.nodeReserved.get(key)
    this.nodeReserved.delete(key)
    const own = (this.consumed.get(key) ?? 0n) + this.inFlight(key)
    const base = corrected && corrected.consumed + corrected.reserved > own ? corrected.consumed + corrected.reserved : own
    const cumulativeAmount = base + ceiling
    const voucher = { channelId, modelId: BigInt(extra.modelId), cumulativeAmount, feeShareBps: extra.feeShareBps }
    const signature = await signVoucher(this.authorizer, { chainId, verifyingContract: extra.channels }, voucher)
    let pending = this.pending.get(key)
    if (!pending) this.pending.set(key, (pending = new Map()))
    const ledgerId = `${process.pid}-${cumulativeAmount}-${Math.random().toString(36).slice(2, 10)}`
    pending.set(cumulativeAmount, { ceiling, terms: extra, signature, ledgerId })
    // Other clients of this home count this ceiling as possibly booked until it is accounted for.
    if (this.ledger) {
      const ledger = this.ledger
      await this.queue(() => ledger.reserve(channelId, extra.modelId, ledgerId, ceiling))
    }
    this.lastVoucher = voucher
    this.lastVoucherSignature = signature
    if (voucher.cumulativeAmount > (this.authorized.get(key) ?? 0n)) this.authorized.set(key, voucher.cumulativeAmount)
    const payload: ChannelPayload = { channelId, modelId: extra.modelId, cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: voucher.feeShareBps, signature }
    return { x402Version, payload: payload as unknown as Record<string, unknown> }
  }

  /**
   * Follows a paid request's response: a refusal frees its ceiling; an answer is accounted for by its checked bill
   * once its body has arrived (a stream's bill is its last chunk). Returns the response to hand on (a stream is
   * passed through as it arrives).
   */
  async observe(payload: ChannelPayload, response: Response): Promise<Response> {
    const key = `${payload.channelId.toLowerCase()}:${payload.modelId}`
    const cumulative = BigInt(payload.cumulativeAmount)
    const entry = this.pending.get(key)?.get(cumulative)
    if (!entry) return response
    if (response.status !== 200) {
      // Refused or failed before serving: the node booked nothing, and this voucher proves nothing.
      this.pending.get(key)!.delete(cumulative)
      let refused = this.refused.get(key)
      if (!refused) this.refused.set(key, (refused = new Set()))
      refused.add(cumulative)
      const ledger = this.ledger
      if (ledger) await this.queue(() => ledger.book(payload.channelId.toLowerCase() as Hex, payload.modelId, entry.ledgerId, { spent: 0n }))
      return response
    }
    if (cumulative > (this.lastAccepted.get(key) ?? 0n)) this.lastAccepted.set(key, cumulative)
    let claimed: bigint | undefined
    try {
      const header = response.headers.get('payment-response')
      const consumed = header ? (decodePaymentResponseHeader(header).extra as ChannelSettlementExtra | undefined)?.consumed : undefined
      if (consumed !== undefined && /^\d+$/.test(consumed)) claimed = BigInt(consumed)
    } catch {
      // No readable bill header: the body's bill still counts.
    }
    const finish = (bill: AnswerBill, complete: boolean) => this.account(payload, key, cumulative, bill, claimed, complete)
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream') || !response.body) {
      const text = await response.clone().text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      await finish(billOfJson(body), true)
      return response
    }
    const stream = new StreamBill()
    let done = false
    const settle = (complete: boolean) => {
      if (done) return
      done = true
      void finish(stream.finish(), complete)
    }
    const reader = response.body.getReader()
    const passed = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done: ended } = await reader.read()
          if (ended) {
            settle(true)
            return controller.close()
          }
          stream.push(value)
          controller.enqueue(value)
        } catch (error) {
          settle(false)
          controller.error(error)
        }
      },
      async cancel(reason) {
        settle(false)
        await reader.cancel(reason)
      },
    })
    return new Response(passed, { status: response.status, statusText: response.statusText, headers: response.headers })
  }

  private async account(payload: ChannelPayload, key: string, cumulative: bigint, bill: AnswerBill, claimed: bigint | undefined, complete: boolean) {
    const entry = this.pending.get(key)?.get(cumulative)
    if (!entry) return
    this.pending.get(key)!.delete(cumulative)
    const channelId = payload.channelId.toLowerCase() as Hex
    const evidence = { channelId, modelId: payload.modelId, voucher: { cumulativeAmount: cumulative.toString(), signature: entry.signature }, usage: bill.usage, claimedConsumed: claimed?.toString() }
    let cost: bigint
    if (bill.usage === undefined && !complete) {
      // Cut before its bill (a hang-up, a dead node): the node may bill what it sent, at most this request's ceiling.
      cost = entry.ceiling
    } else {
      // An answer that arrived whole must carry its bill: without one (or with a wrong one) the node holds a voucher
      // for the ceiling, so count that, and sign nothing more.
      const wrong = checkBill(entry.terms, bill)
      cost = wrong ? entry.ceiling : BigInt(bill.usage!.cost as string)
      if (wrong) this.dispute(key, `${wrong}; nothing more is signed on channel ${channelId}.`, evidence)
    }
    this.consumed.set(key, (this.consumed.get(key) ?? 0n) + cost)
    const ledger = this.ledger
    if (ledger) await this.queue(() => ledger.book(channelId, payload.modelId, entry.ledgerId, { spent: cost, accepted: cumulative }))
    if (claimed !== undefined && !this.disputes.has(key)) {
      const bound = await this.bound(key, channelId, payload.modelId)
      if (bound !== undefined && claimed > bound) {
        this.dispute(key, `the node reports ${claimed} consumed on channel ${channelId}, but the answers this client got cost ${this.consumed.get(key)} (and ${this.inFlight(key)} is in flight); nothing more is signed on it.`, evidence)
      }
    }
  }

  readonly schemeHooks = {
    onPaymentResponse: async (ctx: ResponseHookContext): Promise<{ recovered: true } | void> => {
      const requirements = ctx.requirements
      const modelId = (requirements.extra as unknown as ChannelExtra).modelId
      const settled = ctx.settleResponse?.extra as ChannelSettlementExtra | undefined
      if (settled?.channelId) {
        // The answer's own bill is checked when its body arrives (`observe`); a claim above any voucher is refused now.
        const key = `${settled.channelId.toLowerCase()}:${modelId}`
        const reported = /^\d+$/.test(String(settled.consumed)) ? BigInt(settled.consumed) : 0n
        if (reported > (this.authorized.get(key) ?? 0n)) {
          this.dispute(key, `The node reports ${reported} consumed on channel ${settled.channelId}, more than the ${this.authorized.get(key) ?? 0n} this client authorized; nothing more is signed on it.`, { channelId: settled.channelId, modelId, voucher: undefined, usage: undefined, claimedConsumed: reported.toString() })
        }
        return
      }
      const corrective = ctx.paymentRequired?.accepts.find((r) => r.scheme === CHANNEL_SCHEME)?.extra as unknown as ChannelExtra | undefined
      const state = corrective?.channelState
      if (!state) return
      const key = `${state.channelId.toLowerCase()}:${corrective.modelId}`
      const channelId = state.channelId.toLowerCase() as Hex
      await this.load(key, channelId, corrective.modelId)
      // consumed: what the node booked; reserved: what its requests in flight hold (this client's and others').
      const claimed = /^\d+$/.test(String(state.consumed)) ? BigInt(state.consumed) : 0n
      const reserved = /^\d+$/.test(String(state.reserved ?? '0')) ? BigInt(state.reserved ?? '0') : 0n
      const evidence = { channelId: state.channelId, modelId: corrective.modelId, voucher: undefined, usage: undefined, claimedConsumed: claimed.toString() }
      // A client that knows the channel (in memory, or from the home's ledger) never believes more than it accounts for.
      // Its record is incomplete when the node holds an accepted voucher of this authorizer above the last one it
      // recorded (another client of the same key, without this ledger, paid on the channel): then, as for a client that
      // knows nothing, it believes no more than a voucher it signed and a node accepted.
      const shown = await this.shownVoucher(requirements, corrective, state)
      const complete = shown === undefined || shown <= (this.lastAccepted.get(key) ?? 0n)
      const bound = complete ? await this.bound(key, channelId, corrective.modelId) : undefined
      if (bound === undefined) {
        const proven = shown !== undefined && shown > (this.lastAccepted.get(key) ?? 0n) ? shown : (this.lastAccepted.get(key) ?? 0n)
        if (claimed > proven) {
          this.dispute(key, `The node claims ${claimed} consumed on channel ${state.channelId}, but the highest voucher this client can be shown to have signed and had accepted covers ${proven}; nothing more is signed on it.`, evidence)
          return
        }
      } else if (claimed > bound) {
        this.dispute(key, `the node claims ${claimed} consumed on channel ${state.channelId}, but the answers paid on it cost ${this.consumed.get(key) ?? 0n} (and what is in flight adds up to ${bound}); nothing more is signed on it.`, evidence)
        return
      }
      const before = this.consumed.get(key) ?? 0n
      if (claimed > before) {
        this.consumed.set(key, claimed)
        // Spent by another client of this key that kept no record here (bound unknown): the ledger takes it in, so the
        // next client's record is complete. (Within a complete record the other clients of the home book their own.)
        if (bound === undefined && this.ledger) {
          const ledger = this.ledger
          if (shown !== undefined && shown > (this.lastAccepted.get(key) ?? 0n)) this.lastAccepted.set(key, shown)
          await this.queue(() => ledger.book(channelId, corrective.modelId, `recovered-${process.pid}-${claimed}`, { spent: claimed - before, accepted: shown }))
        }
      }
      // Cover the node's other reservations in the next voucher, but only as far as requests are known to be in flight.
      const inFlight = bound === undefined ? this.inFlight(key) : bound - claimed
      this.nodeReserved.set(key, { consumed: claimed, reserved: reserved < inFlight ? reserved : inFlight })
      return { recovered: true }
    },
  }

  /** The amount of the node's latest voucher when it carries this authorizer's signature and no node refused it. */
  private async shownVoucher(requirements: PaymentRequirements, extra: ChannelExtra, state: NonNullable<ChannelExtra['channelState']>): Promise<bigint | undefined> {
    const key = `${state.channelId.toLowerCase()}:${extra.modelId}`
    if (!state.signature || !/^\d+$/.test(state.cumulativeAmount)) return undefined
    // Only a voucher a node accepted proves anything: the one the node is refusing right now, say, does not.
    if (this.refused.get(key)?.has(BigInt(state.cumulativeAmount))) return undefined
    const chainId = Number(/^eip155:(\d+)$/.exec(requirements.network)?.[1])
    const voucher = { channelId: state.channelId, modelId: BigInt(extra.modelId), cumulativeAmount: BigInt(state.cumulativeAmount), feeShareBps: state.feeShareBps ?? extra.feeShareBps }
    try {
      const signer = await recoverAddress({ hash: voucherDigest({ chainId, verifyingContract: extra.channels }, voucher), signature: state.signature })
      return signer.toLowerCase() === this.authorizer.address.toLowerCase() ? voucher.cumulativeAmount : undefined
    } catch {
      return undefined
    }
  }

}

export type PayingFetchOptions = {
  /** Signs channel vouchers (the channel's authorizer) and, for `exact`, the token authorization (the payer). */
  account: LocalAccount
  /** Pay with channel vouchers through this channel lookup; without it only `exact` is offered. */
  channelFor?: ((requirements: PaymentRequirements) => Hex | Promise<Hex>) | undefined
  /** Which scheme to use when the node offers both (default: channel when a channel lookup is given); a function decides per offer. */
  prefer?: 'channel' | 'exact' | ((offered: readonly PaymentRequirements[]) => 'channel' | 'exact') | undefined
  /** Sees what the node offers before any filtering (e.g. to report its price ceiling when --max-cost refuses it). */
  onOffer?: ((offered: readonly PaymentRequirements[]) => void) | undefined
  /**
   * Pay only with the preferred scheme: never fall back to the other one when it is not offered (or costs too much).
   * Default: strict when a channel lookup is given, so a node cannot steer a channel client into signing `exact`.
   */
  strict?: boolean | undefined
  /**
   * Checked before an `exact` authorization is signed; throw to refuse it. An exact authorization is a token transfer
   * the node settles itself: whoever uses this fetch against nodes it does not trust should check the offer's
   * network, asset and payTo here (`chat` does).
   */
  checkExact?: ((requirements: PaymentRequirements) => void | Promise<void>) | undefined
  /** Refuse to pay more than this (base units) for one request. */
  maxCost?: bigint | undefined
  /** The fetch to wrap (default: global fetch). */
  fetch?: typeof fetch | undefined
  /** Keeps what the client accounts for per channel across processes (`chat` keeps it in the home's channel book). */
  ledger?: ChannelLedger | undefined
}

/**
 * A `fetch` that pays modeldao nodes per request over x402, for the official `openai` client's `fetch` option:
 * `new OpenAI({ baseURL: `${node}/v1`, apiKey: 'unused', fetch: createPayingFetch({ account, channelFor }) })`.
 */
/** The last exact authorization a paying fetch signed: its payer and nonce name the payment a receipt is bound to. */
export type SignedExactAuthorization = { authorization: { from: Address; to: Address; value: string; validAfter: string; validBefore: string; nonce: Hex }; signature: Hex }

export type PayingFetch = typeof fetch & {
  channelClient?: ChannelSchemeClient | undefined
  /** The last exact authorization signed, if any. */
  lastExact: () => SignedExactAuthorization | undefined
}

export function createPayingFetch(options: PayingFetchOptions): PayingFetch {
  const channelClient = options.channelFor ? new ChannelSchemeClient(options.account, options.channelFor, options.ledger) : undefined
  const inner = options.fetch ?? fetch
  // Every attempt passes here: a paid channel request's response is accounted for by its bill.
  const observed: typeof fetch = async (input, init) => {
    const response = await inner(input, init)
    const header = input instanceof Request ? input.headers.get('payment-signature') : new Headers(init?.headers).get('payment-signature')
    if (!channelClient || !header) return response
    let payload: ChannelPayload | undefined
    try {
      const decoded = decodePaymentSignatureHeader(header)
      if (decoded.accepted?.scheme === CHANNEL_SCHEME) payload = decoded.payload as unknown as ChannelPayload
    } catch {
      payload = undefined
    }
    return payload ? channelClient.observe(payload, response) : response
  }
  const prefer = options.prefer ?? (channelClient ? 'channel' : 'exact')
  // One network key for both schemes: an exact key would hide the wildcard.
  const exact = new ExactEvmClientScheme(options.account)
  let lastExact: SignedExactAuthorization | undefined
  const exactClient: SchemeNetworkClient = {
    scheme: exact.scheme,
    createPaymentPayload: async (x402Version, requirements, ...rest) => {
      await options.checkExact?.(requirements)
      const created = await exact.createPaymentPayload(x402Version, requirements, ...rest)
      lastExact = created.payload as unknown as SignedExactAuthorization
      return created
    },
  }
  const schemes: { network: `${string}:${string}`; client: SchemeNetworkClient }[] = [{ network: 'eip155:*', client: exactClient }]
  if (channelClient) schemes.push({ network: 'eip155:*', client: channelClient })
  const wrapped = wrapFetchWithPaymentFromConfig(observed, {
    schemes,
    spendControls: false,
    policies: [
      (_version, requirements) => {
        options.onOffer?.(requirements)
        return requirements.filter((r) => options.maxCost === undefined || BigInt(r.amount) <= options.maxCost)
      },
      (_version, requirements) => {
        const wanted = (typeof prefer === 'function' ? prefer(requirements) : prefer) === 'channel' ? CHANNEL_SCHEME : EXACT_SCHEME
        const first = requirements.filter((r) => r.scheme === wanted)
        return first.length > 0 || (options.strict ?? Boolean(channelClient)) ? first : requirements
      },
    ],
  })
  const paying: typeof fetch = (input, init) => {
    const request: { maxTokens: number | undefined; refusal?: Error } = { maxTokens: maxTokensOf(init?.body ?? undefined) }
    return paidRequest.run(request, () =>
      wrapped(input, init).catch((error: unknown) => {
        throw request.refusal ?? error
      }),
    )
  }
  return Object.assign(paying, { channelClient, lastExact: () => lastExact })
}
