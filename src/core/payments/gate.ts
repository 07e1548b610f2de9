import type { IncomingMessage } from 'node:http'
import { decodePaymentSignatureHeader, encodePaymentRequiredHeader, encodePaymentResponseHeader } from '@x402/core/http'
import type { PaymentPayload, PaymentRequired, PaymentRequirements } from '@x402/core/types'
import { authorizationTypes } from '@x402/evm'
import { type Account, type Address, type Hex, encodeFunctionData, getAddress, isAddress, parseEventLogs, toHex, verifyTypedData } from 'viem'
import type { ChainConnection } from '../chain/rpc/connection.js'
import { protocolArtifacts } from '../chain/protocol/registry.js'
import { sendTransaction } from '../chain/protocol/write.js'
import { holdersShare, priceCeiling, priceOf, type PriceList } from './prices.js'
import type { ReceiptCommitment } from '../receipts/codec.js'
import { exactPaymentRef, signReceipt } from '../receipts/signing.js'
import { CHANNEL_SCHEME, EXACT_SCHEME, type ChannelExtra, type ChannelPayload, type ChannelSettlementExtra } from './scheme.js'
import type { PaymentStore } from './store.js'
import { VoucherVerifier } from './vouchers.js'

/** Why a payment was refused: the `error` of the 402 and the `code` of its body. */
export type PaymentRefusal =
  | 'payment_required'
  | 'invalid_payment_header'
  | 'unsupported_scheme'
  | 'requirements_mismatch'
  | 'wrong_model'
  | 'unknown_channel'
  | 'wrong_operator'
  | 'invalid_signature'
  | 'wrong_fee_share'
  | 'stale_cumulative'
  | 'insufficient_channel_balance'
  | 'channel_closing'
  | 'authorization_expired'
  | 'wrong_amount'
  | 'wrong_recipient'
  | 'replayed_authorization'
  | 'settlement_failed'

/** A 402: the x402 PAYMENT-REQUIRED header and an OpenAI-shaped error body naming the reason. */
export class PaymentRequiredResponse extends Error {
  constructor(
    readonly reason: PaymentRefusal,
    message: string,
    readonly paymentRequired: PaymentRequired,
  ) {
    super(message)
  }
  headers(): Record<string, string> {
    return { 'payment-required': encodePaymentRequiredHeader(this.paymentRequired), 'cache-control': 'no-store' }
  }
  body() {
    return { error: { message: this.message, type: 'payment_required', param: null, code: this.reason } }
  }
}

type ChannelView = { payer: Address; operator: Address; authorizer: Address; balance: bigint; thawAmount: bigint; thawEnd: number; readAt: number }

export type PaymentGateConfig = {
  connection: ChainConnection
  operator: Account
  addresses: { channels: Address; exactPayments: Address; modelShares: Address; paymentToken: Address }
  modelId: bigint
  prices: PriceList
  /** Output ceiling of one `exact` payment (a fixed price for up to this many tokens). */
  exactMaxTokens: number
  store: PaymentStore
  /** A thaw ending sooner than this (ms) closes the channel to new vouchers. */
  closingMarginMs?: number | undefined
  /** Called when a payer starts a withdrawal: the node settles at once. */
  onWithdrawalSeen?: ((channelId: Hex) => void) | undefined
}

/** Timings of the payment work in one request (for the overhead benchmark and metrics). */
export type PaymentTimings = { verifyMs: number; recordMs: number }

/**
 * The node's cashier: answers unpaid requests with x402 402s listing both schemes, checks a channel voucher or an
 * `exact` authorization before the engine runs, and books the acknowledged cost durably before the response ends.
 */
export class PaymentGate {
  readonly verifier: VoucherVerifier
  private readonly channelsCache = new Map<Hex, ChannelView>()
  private readonly inflight = new Map<string, bigint>()
  private feeShareBps = 0
  private feeShareReadAt = 0
  /** Seconds the chain's clock runs ahead of this machine's (a dev chain moved forward): exact authorizations must cover it. */
  private clockAhead = 0
  private clockReadAt = 0
  private clockRead: Promise<void> | undefined
  /** Channel ids recently read as absent (bounded): a stream of unknown ids costs one chain read per id, not per request. */
  private readonly absentChannels = new Map<Hex, number>()
  private readonly channelReads = new Map<Hex, Promise<ChannelView | undefined>>()
  private receiver: Address = '0x0000000000000000000000000000000000000000'
  private tokenDomain = { name: '', version: '1' }
  readonly network: `${string}:${string}`

  private constructor(readonly config: PaymentGateConfig) {
    this.verifier = new VoucherVerifier({ chainId: config.connection.chainId, verifyingContract: config.addresses.channels })
    this.network = `eip155:${config.connection.chainId}`
  }

  static async open(config: PaymentGateConfig): Promise<PaymentGate> {
    const gate = new PaymentGate(config)
    const read = config.connection.publicClient
    const exact = { address: config.addresses.exactPayments, abi: protocolArtifacts.ExactPayments.abi } as const
    // One receiver per (operator, model): its address (the exact payTo) books only under this node's model.
    gate.receiver = await read.readContract({ ...exact, functionName: 'receiverOf', args: [config.operator.address, config.modelId] })
    if ((await read.getCode({ address: gate.receiver })) === undefined) {
      const data = encodeFunctionData({ abi: exact.abi, functionName: 'createReceiver', args: [config.operator.address, config.modelId] })
      await sendTransaction(config.connection, config.operator, { to: exact.address, data, call: 'ExactPayments.createReceiver' })
    }
    const token = { address: config.addresses.paymentToken, abi: protocolArtifacts.TestUSD.abi } as const
    const [name, version] = await Promise.all([
      read.readContract({ ...token, functionName: 'name' }),
      read.readContract({ ...token, functionName: 'version' }).catch(() => '1'),
    ])
    gate.tokenDomain = { name, version }
    await Promise.all([gate.refreshFeeShare(), gate.refreshClock()])
    return gate
  }

  /** The `exact` payTo: this operator's receiver for this node's model. */
  get exactReceiver(): Address {
    return this.receiver
  }

  /**
   * The contract checks an authorization's window against the block time, while stock x402 clients sign it from their
   * wall clock: read how far the chain runs ahead (on each 402 and each exact payment, which cost a round trip anyway)
   * and widen the offered timeout by as much.
   */
  private async refreshClock(maxAgeMs = 0) {
    if (maxAgeMs > 0 && Date.now() - this.clockReadAt < maxAgeMs) return
    // Concurrent 402s share one read.
    this.clockRead ??= (async () => {
      try {
        const block = await this.config.connection.publicClient.getBlock({ blockTag: 'latest' })
        this.clockAhead = Math.max(0, Number(block.timestamp) - Math.floor(Date.now() / 1000))
        this.clockReadAt = Date.now()
      } finally {
        this.clockRead = undefined
      }
    })()
    return this.clockRead
  }

  /** The chain's time now, as far as this node can tell. */
  private chainNow(): number {
    return Math.floor(Date.now() / 1000) + this.clockAhead
  }

  private async refreshFeeShare() {
    this.feeShareBps = await this.config.connection.publicClient.readContract({
      address: this.config.addresses.modelShares,
      abi: protocolArtifacts.ModelShares.abi,
      functionName: 'feeShareBps',
      args: [this.config.modelId],
    })
    this.feeShareReadAt = Date.now()
  }

  /** An `exact` payment's output limit for a request of up to `maxTokens`: the node's exact ceiling caps it. */
  private exactTokens(maxTokens: number): number {
    return Math.min(maxTokens, this.config.exactMaxTokens)
  }

  /** What an `exact` payment costs for a request of up to `maxTokens`: priced from the request's own limit. */
  private exactPrice(maxTokens: number): bigint {
    return priceCeiling(this.config.prices, this.exactTokens(maxTokens))
  }

  /** The two offers for a request of up to `maxTokens` output tokens. */
  requirements(maxTokens: number, channelState?: ChannelExtra['channelState']): PaymentRequirements[] {
    const { addresses, prices, modelId } = this.config
    const channelExtra: ChannelExtra = {
      channels: addresses.channels,
      modelId: modelId.toString(),
      feeShareBps: this.feeShareBps,
      perRequest: prices.perRequest.toString(),
      perOutputToken: prices.perOutputToken.toString(),
      maxTokens,
      ...(channelState ? { channelState } : {}),
    }
    return [
      {
        scheme: CHANNEL_SCHEME,
        network: this.network,
        asset: addresses.paymentToken,
        amount: priceCeiling(prices, maxTokens).toString(),
        payTo: this.config.operator.address,
        maxTimeoutSeconds: 300,
        extra: channelExtra,
      },
      {
        scheme: EXACT_SCHEME,
        network: this.network,
        asset: addresses.paymentToken,
        amount: this.exactPrice(maxTokens).toString(),
        payTo: this.receiver,
        maxTimeoutSeconds: 120 + this.clockAhead,
        extra: { name: this.tokenDomain.name, version: this.tokenDomain.version, maxTokens: this.exactTokens(maxTokens), modelId: modelId.toString() },
      },
    ]
  }

  private refuse(reason: PaymentRefusal, message: string, url: string, maxTokens: number, channelState?: ChannelExtra['channelState']): never {
    throw new PaymentRequiredResponse(reason, message, {
      x402Version: 2,
      error: reason,
      resource: { url, description: 'modeldao inference', mimeType: 'application/json' },
      accepts: this.requirements(maxTokens, channelState),
    })
  }

  /**
   * Checks the request's payment for a request of up to `maxTokens` output tokens; throws a PaymentRequiredResponse
   * (402) when it is missing or refused. The returned handle books the cost when the request completes.
   */
  async authorize(req: IncomingMessage, maxTokens: number, url: string): Promise<PaidRequest> {
    // The split is re-read in the background, off the request's path; the quote changes only on a schedule.
    if (Date.now() - this.feeShareReadAt > 30_000) {
      this.feeShareReadAt = Date.now()
      void this.refreshFeeShare().catch(() => {})
    }
    const header = req.headers['payment-signature']
    if (typeof header !== 'string' || header.length === 0) {
      // Unpaid requests cost no chain read each: the clock offset is re-read at most once a second.
      await this.refreshClock(1_000).catch(() => {})
      this.refuse('payment_required', 'This node is paid per request over x402: pay with a channel voucher or an exact authorization.', url, maxTokens)
    }
    const started = performance.now()
    let payload: PaymentPayload
    try {
      payload = decodePaymentSignatureHeader(header)
    } catch (error) {
      this.refuse('invalid_payment_header', `The PAYMENT-SIGNATURE header is malformed: ${(error as Error).message}`, url, maxTokens)
    }
    // Every malformed field is a 402 that says which (never a 500 from a parser deeper down).
    if (!payload || typeof payload !== 'object') this.refuse('invalid_payment_header', 'The PAYMENT-SIGNATURE header holds no payment object.', url, maxTokens)
    const accepted = payload.accepted
    if (!accepted || typeof accepted !== 'object') this.refuse('invalid_payment_header', 'The payment names no accepted requirement.', url, maxTokens)
    if (accepted.network !== this.network || typeof accepted.asset !== 'string' || !isAddress(accepted.asset, { strict: false }) || getAddress(accepted.asset) !== getAddress(this.config.addresses.paymentToken)) {
      this.refuse('requirements_mismatch', `The payment is for ${accepted.network} ${accepted.asset}; this node takes ${this.network} ${this.config.addresses.paymentToken}.`, url, maxTokens)
    }
    if (accepted.scheme === CHANNEL_SCHEME) return this.authorizeChannel(payload.payload as unknown as ChannelPayload, maxTokens, url, started)
    if (accepted.scheme === EXACT_SCHEME) return this.authorizeExact(payload, maxTokens, url, started)
    this.refuse('unsupported_scheme', `The scheme ${JSON.stringify(accepted.scheme)} is not taken here; pay with ${CHANNEL_SCHEME} or ${EXACT_SCHEME}.`, url, maxTokens)
  }

  /** The channel's on-chain state, cached a few seconds unless `fresh`. */
  private async channel(channelId: Hex, fresh = false): Promise<ChannelView | undefined> {
    const cached = this.channelsCache.get(channelId)
    // Channel state changes only by deposits, settlements and withdrawal requests: re-read it every few seconds.
    if (!fresh && cached && Date.now() - cached.readAt < 5_000) return cached
    const absentAt = this.absentChannels.get(channelId)
    if (!fresh && absentAt !== undefined && Date.now() - absentAt < 2_000) return undefined
    const reading = this.channelReads.get(channelId)
    if (reading) return reading
    const read = this.readChannel(channelId, cached).finally(() => this.channelReads.delete(channelId))
    this.channelReads.set(channelId, read)
    return read
  }

  private async readChannel(channelId: Hex, cached: ChannelView | undefined): Promise<ChannelView | undefined> {
    const [payer, operator, authorizer, , balance, thawAmount, thawEnd] = await this.config.connection.publicClient.readContract({
      address: this.config.addresses.channels,
      abi: protocolArtifacts.PaymentChannels.abi,
      functionName: 'channel',
      args: [channelId],
    })
    if (payer === '0x0000000000000000000000000000000000000000') {
      if (this.absentChannels.size >= 1_024) this.absentChannels.delete(this.absentChannels.keys().next().value!)
      this.absentChannels.set(channelId, Date.now())
      return undefined
    }
    this.absentChannels.delete(channelId)
    const view = { payer, operator, authorizer, balance, thawAmount, thawEnd: Number(thawEnd), readAt: Date.now() }
    if (view.thawEnd !== 0 && (!cached || cached.thawEnd !== view.thawEnd)) this.config.onWithdrawalSeen?.(channelId)
    this.channelsCache.set(channelId, view)
    return view
  }

  private async authorizeChannel(p: ChannelPayload, maxTokens: number, url: string, started: number): Promise<PaidRequest> {
    const { store, modelId, prices } = this.config
    if (!p || typeof p.channelId !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(p.channelId) || typeof p.signature !== 'string' || !/^\d+$/.test(String(p.cumulativeAmount)) || !/^\d+$/.test(String(p.modelId))) {
      this.refuse('invalid_payment_header', 'The channel payload needs channelId (bytes32), modelId, cumulativeAmount (decimal strings), feeShareBps and signature.', url, maxTokens)
    }
    const channelId = p.channelId.toLowerCase() as Hex
    if (BigInt(p.modelId) !== modelId) this.refuse('wrong_model', `The voucher is for model ${p.modelId}; this node serves model ${modelId}.`, url, maxTokens)
    let view = await this.channel(channelId)
    if (!view) this.refuse('unknown_channel', `There is no channel ${channelId} on chain ${this.config.connection.chainId} at ${this.config.addresses.channels}.`, url, maxTokens)
    if (getAddress(view.operator) !== getAddress(this.config.operator.address)) this.refuse('wrong_operator', `Channel ${channelId} pays ${view.operator}, not this node (${this.config.operator.address}).`, url, maxTokens)
    const voucher = { channelId, modelId, cumulativeAmount: BigInt(p.cumulativeAmount), feeShareBps: Number(p.feeShareBps) }
    if (!(await this.verifier.verify(voucher, p.signature, view.authorizer))) {
      this.refuse('invalid_signature', `The voucher is not signed by the channel's authorizer ${view.authorizer} for chain ${this.config.connection.chainId} and contract ${this.config.addresses.channels}.`, url, maxTokens)
    }
    // A thaw ends in chain time: a dev chain moved forward would otherwise keep a closing channel open.
    if (view.thawEnd !== 0) await this.refreshClock(1_000).catch(() => {})
    const key = `${channelId}:${modelId}`
    const ceiling = priceCeiling(prices, maxTokens)
    const availableIn = (v: ChannelView) => v.balance - (v.thawEnd !== 0 ? v.thawAmount : 0n)
    // Everything consumed and not yet settled on the channel.
    const owedIn = (vs: readonly { consumed: bigint; settled: bigint }[]) => vs.reduce((sum, v) => sum + (v.consumed - v.settled), 0n)
    // One read: this model's voucher and what the whole channel owes (consumed, not yet settled).
    let vouchers = store.channelVouchers(channelId)
    // A cached balance may predate the deposit the client just made to cover this request: look again before deciding,
    // and read again after. This is the last await: from the read after it to the reservation nothing yields, so
    // parallel requests on one voucher cannot all read the same reservation and each write it back (five were served
    // on one voucher after a top-up).
    if (owedIn(vouchers) + (this.inflight.get(key) ?? 0n) + ceiling > availableIn(view)) {
      view = (await this.channel(channelId, true)) ?? view
      vouchers = store.channelVouchers(channelId)
    }
    const held = vouchers.find((v) => v.modelId === modelId)
    const consumed = held?.consumed ?? 0n
    const reserved = this.inflight.get(key) ?? 0n
    const state = () => ({ channelId, consumed: consumed.toString(), reserved: reserved.toString(), cumulativeAmount: (held?.cumulativeAmount ?? 0n).toString(), signature: held?.signature ?? null, feeShareBps: held?.feeShareBps })
    if (voucher.feeShareBps !== this.feeShareBps) this.refuse('wrong_fee_share', `The voucher quotes a ${voucher.feeShareBps} bps fee share; the model's is ${this.feeShareBps} bps.`, url, maxTokens, state())
    if (voucher.cumulativeAmount < consumed + reserved + ceiling) {
      this.refuse('stale_cumulative', `The voucher covers ${voucher.cumulativeAmount}; this request needs ${consumed + reserved + ceiling} (${consumed + reserved} consumed or reserved + ${ceiling} ceiling).`, url, maxTokens, state())
    }
    const thawing = view.thawEnd !== 0
    if (thawing && (view.thawEnd - this.chainNow()) * 1000 < (this.config.closingMarginMs ?? 10 * 60_000)) {
      this.refuse('channel_closing', `Channel ${channelId} is being withdrawn (thaw ends ${new Date(view.thawEnd * 1000).toISOString()}); open a new channel.`, url, maxTokens, state())
    }
    // Everything consumed and not yet settled, plus this request's ceiling, must stay in the channel net of the thaw.
    const owed = owedIn(vouchers)
    const available = availableIn(view)
    if (owed + reserved + ceiling > available) {
      this.refuse('insufficient_channel_balance', `Channel ${channelId} holds ${available} free; ${owed + reserved} is owed or reserved and this request may cost ${ceiling}. Deposit more.`, url, maxTokens, state())
    }
    // The voucher is kept with the cost it pays for, in one transaction when the request completes: a request that
    // serves nothing costs no disk sync.
    this.inflight.set(key, reserved + ceiling)
    const verifyMs = performance.now() - started
    const digest = toHex(this.verifier.digest(voucher))
    const headers = { 'payment-response': encodePaymentResponseHeader({ success: true, transaction: '', network: this.network, payer: view.payer, extra: { channelId, consumed: consumed.toString() } satisfies ChannelSettlementExtra }) }
    return new PaidRequest(this, maxTokens, headers, verifyMs, { scheme: 'channel', channelId, key, ceiling, feeShareBps: voucher.feeShareBps, digest, payer: view.payer, voucher: { channelId, modelId, cumulativeAmount: voucher.cumulativeAmount, feeShareBps: voucher.feeShareBps, signature: p.signature } })
  }

  private async authorizeExact(payload: PaymentPayload, maxTokens: number, url: string, started: number): Promise<PaidRequest> {
    const p = payload.payload as { authorization?: Record<string, string>; signature?: Hex }
    const a = p?.authorization
    if (!a || typeof p.signature !== 'string' || !['from', 'to', 'value', 'validAfter', 'validBefore', 'nonce'].every((k) => typeof a[k] === 'string')) {
      this.refuse('invalid_payment_header', 'The exact payload needs authorization {from, to, value, validAfter, validBefore, nonce} and signature.', url, maxTokens)
    }
    const isUint = (v: string | undefined) => typeof v === 'string' && /^\d{1,78}$/.test(v)
    if (!isAddress(a!.from!, { strict: false }) || !isAddress(a!.to!, { strict: false }) || !isUint(a!.value) || !isUint(a!.validAfter) || !isUint(a!.validBefore) || !/^0x[0-9a-fA-F]{64}$/.test(a!.nonce!)) {
      this.refuse('invalid_payment_header', 'The exact authorization needs from and to addresses, value, validAfter and validBefore as decimal strings, and a 32-byte hex nonce.', url, maxTokens)
    }
    const price = this.exactPrice(maxTokens)
    const capped = this.exactTokens(maxTokens)
    if (getAddress(a.to!) !== getAddress(this.receiver)) this.refuse('wrong_recipient', `The authorization pays ${a.to}; this node's exact payments go to ${this.receiver}.`, url, maxTokens)
    if (BigInt(a.value!) !== price) this.refuse('wrong_amount', `The authorization is for ${a.value}; this request costs ${price} paid exact (up to ${capped} output tokens, from its max_tokens and this node's exact limit of ${this.config.exactMaxTokens}).`, url, maxTokens)
    const authorization = { from: getAddress(a.from!), to: getAddress(a.to!), value: BigInt(a.value!), validAfter: BigInt(a.validAfter!), validBefore: BigInt(a.validBefore!), nonce: a.nonce as Hex }
    const valid = await verifyTypedData({
      address: authorization.from,
      domain: { name: this.tokenDomain.name, version: this.tokenDomain.version, chainId: this.config.connection.chainId, verifyingContract: this.config.addresses.paymentToken },
      types: authorizationTypes,
      primaryType: 'TransferWithAuthorization',
      message: authorization,
      signature: p.signature!,
    }).catch(() => false)
    if (!valid) this.refuse('invalid_signature', `The authorization is not signed by ${authorization.from} for ${this.tokenDomain.name} on chain ${this.config.connection.chainId}.`, url, maxTokens)
    // The chain is read only for a signed authorization: a forged one costs no RPC call.
    await this.refreshClock(1_000).catch(() => {})
    const now = this.chainNow()
    if (BigInt(a.validBefore!) < BigInt(now + 6) || BigInt(a.validAfter!) >= BigInt(now)) {
      this.refuse('authorization_expired', `The authorization is valid from ${a.validAfter} to ${a.validBefore}; the chain's time is ${now}.`, url, maxTokens)
    }
    if (this.config.store.exactSeen(authorization.from, authorization.nonce)) {
      this.refuse('replayed_authorization', `The authorization ${authorization.nonce} of ${authorization.from} was used already.`, url, maxTokens)
    }
    // A signature costs nothing to make: before the request is tokenized, the payer must hold what it signed away.
    const balance = await this.config.connection.publicClient.readContract({ address: this.config.addresses.paymentToken, abi: protocolArtifacts.TestUSD.abi, functionName: 'balanceOf', args: [authorization.from] })
    if (balance < authorization.value) this.refuse('settlement_failed', `The authorization moves ${authorization.value} but ${authorization.from} holds ${balance}.`, url, maxTokens)
    const verifyMs = performance.now() - started
    const paymentRef = exactPaymentRef(authorization.from, authorization.nonce)
    // Settled by `confirm`, once the request is known to be servable: a payer whose prompt is refused pays nothing.
    return new PaidRequest(this, capped, {}, verifyMs, { scheme: 'exact', from: authorization.from, nonce: authorization.nonce, price, fee: 0n, tx: undefined, paymentRef, settleResponse: undefined, authorization, signature: p.signature!, url })
  }

  /**
   * Settles an accepted `exact` authorization on chain, before any token is generated: the money and the holders' fee
   * are in place first. A channel payment has nothing to settle here. @throws {PaymentRequiredResponse} when it fails.
   */
  async confirm(paid: PaidRequest): Promise<void> {
    const hold = paid.hold
    if (hold.scheme !== 'exact' || hold.tx !== undefined) return
    const { authorization, signature, url } = hold
    if (!this.config.store.claimExact(authorization.from, authorization.nonce, authorization.value)) {
      this.refuse('replayed_authorization', `The authorization ${authorization.nonce} of ${authorization.from} was used already.`, url, paid.maxTokens)
    }
    const abi = protocolArtifacts.ExactReceiver.abi
    const data = encodeFunctionData({ abi, functionName: 'settle', args: [authorization.from, authorization.value, authorization.validAfter, authorization.validBefore, authorization.nonce, signature] })
    try {
      const sent = await sendTransaction(this.config.connection, this.config.operator, { to: this.receiver, data, call: 'ExactReceiver.settle' })
      hold.tx = sent.hash
      for (const log of parseEventLogs({ abi, logs: sent.receipt.logs, eventName: 'ExactSettled' })) hold.fee = log.args.fee
    } catch (error) {
      this.refuse('settlement_failed', `The authorization could not be settled: ${(error as Error).message.split('\n')[0]}`, url, paid.maxTokens)
    }
    hold.settleResponse = { success: true, transaction: hold.tx, network: this.network, payer: authorization.from, amount: hold.price.toString() }
    paid.headers['payment-response'] = encodePaymentResponseHeader(hold.settleResponse)
  }

  /**
   * Books a served request: its cost from the output tokens, durably, before the response says what it cost; then the
   * operator signs the receipt, bound to the payment.
   */
  async commit(paid: PaidRequest, outputTokens: number, receipt: { id: string; commitment: ReceiptCommitment }): Promise<Completion> {
    const hold = paid.hold
    return hold.scheme === 'channel' ? this.commitChannel(hold, outputTokens, receipt) : this.commitExact(hold, receipt)
  }

  /**
   * Gives back what a request reserved when nothing was served (cancelled or failed). An exact transfer already settled
   * cannot be given back: it is booked as income served with nothing, so the node's books match the chain.
   */
  release(paid: PaidRequest): void {
    const hold = paid.hold
    if (hold.scheme === 'channel') this.inflight.set(hold.key, (this.inflight.get(hold.key) ?? hold.ceiling) - hold.ceiling)
    else if (hold.tx !== undefined) {
      this.config.store.recordExact(hold.from, hold.nonce, { receiptId: `unserved-${hold.nonce.slice(2, 26)}`, scheme: 'exact', source: hold.from, modelId: this.config.modelId, cost: hold.price, holders: hold.fee, operator: hold.price - hold.fee }, hold.tx)
    }
  }

  private receiptDomain() {
    return { chainId: this.config.connection.chainId, verifyingContract: this.config.addresses.channels }
  }

  private async commitChannel(hold: ChannelHold, outputTokens: number, receipt: { id: string; commitment: ReceiptCommitment }): Promise<Completion> {
    const { store, modelId, prices } = this.config
    const { channelId, key, ceiling } = hold
    const t = performance.now()
    const cost = priceOf(prices, outputTokens)
    const before = store.voucher(channelId, modelId)?.consumed ?? 0n
    const next = before + cost
    const holders = holdersShare(before, next, hold.feeShareBps)
    store.consume(channelId, modelId, next, { receiptId: receipt.id, scheme: 'channel', source: channelId, modelId, cost, holders, operator: cost - holders }, hold.voucher)
    this.inflight.set(key, (this.inflight.get(key) ?? ceiling) - ceiling)
    const recordMs = performance.now() - t
    const signature = await signReceipt(this.config.operator, this.receiptDomain(), { ...receipt.commitment, payment: hold.digest, cost })
    return {
      cost,
      holders,
      operator: cost - holders,
      recordMs,
      receiptSignature: signature,
      paymentResponse: encodePaymentResponseHeader({ success: true, transaction: '', network: this.network, payer: hold.payer, extra: { channelId, consumed: next.toString(), cost: cost.toString(), holders: holders.toString(), operator: (cost - holders).toString() } satisfies ChannelSettlementExtra }),
    }
  }

  private async commitExact(hold: ExactHold, receipt: { id: string; commitment: ReceiptCommitment }): Promise<Completion> {
    const { price, fee, tx, settleResponse } = hold
    if (tx === undefined || settleResponse === undefined) throw new Error('An exact payment is booked only after confirm() settled it.')
    const t = performance.now()
    this.config.store.recordExact(hold.from, hold.nonce, { receiptId: receipt.id, scheme: 'exact', source: hold.from, modelId: this.config.modelId, cost: price, holders: fee, operator: price - fee }, tx)
    const recordMs = performance.now() - t
    const receiptSignature = await signReceipt(this.config.operator, this.receiptDomain(), { ...receipt.commitment, payment: hold.paymentRef, cost: price })
    return { cost: price, holders: fee, operator: price - fee, recordMs, receiptSignature, paymentResponse: encodePaymentResponseHeader(settleResponse) }
  }
}

/** What an accepted channel voucher holds until the request completes. */
type ChannelHold = { scheme: 'channel'; channelId: Hex; key: string; ceiling: bigint; feeShareBps: number; digest: Hex; payer: Address; voucher: { channelId: Hex; modelId: bigint; cumulativeAmount: bigint; feeShareBps: number; signature: Hex } }
/** An exact payment: verified by `authorize`, settled on chain by `confirm` before serving. */
type ExactHold = {
  scheme: 'exact'
  from: Address
  nonce: Hex
  price: bigint
  fee: bigint
  tx: Hex | undefined
  paymentRef: Hex
  settleResponse: Parameters<typeof encodePaymentResponseHeader>[0] | undefined
  authorization: { from: Address; to: Address; value: bigint; validAfter: bigint; validBefore: bigint; nonce: Hex }
  signature: Hex
  url: string
}
export type PaymentHold = ChannelHold | ExactHold

export type Completion = { cost: bigint; holders: bigint; operator: bigint; recordMs: number; receiptSignature: Hex; paymentResponse: string }

/**
 * A request whose payment was accepted: `confirm` it once the request is known to be servable, serve at most
 * `maxTokens`, then `complete` (or `release` if nothing was served).
 */
export class PaidRequest {
  constructor(
    private readonly gate: PaymentGate,
    readonly maxTokens: number,
    readonly headers: Record<string, string>,
    readonly verifyMs: number,
    readonly hold: PaymentHold,
  ) {}

  /** Settles what must be settled before serving (an `exact` transfer). */
  confirm(): Promise<void> {
    return this.gate.confirm(this)
  }

  complete(outputTokens: number, receipt: { id: string; commitment: ReceiptCommitment }): Promise<Completion> {
    return this.gate.commit(this, outputTokens, receipt)
  }

  release(): void {
    this.gate.release(this)
  }
}
