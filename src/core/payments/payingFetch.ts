import { wrapFetchWithPaymentFromConfig } from '@x402/fetch'
import { ExactEvmScheme as ExactEvmClientScheme } from '@x402/evm/exact/client'
import type { PaymentPayloadResult, PaymentRequirements, SchemeNetworkClient } from '@x402/core/types'
import { recoverAddress, type Address, type Hex, type LocalAccount } from 'viem'
import { CHANNEL_SCHEME, EXACT_SCHEME, type ChannelExtra, type ChannelPayload, type ChannelSettlementExtra } from './scheme.js'
import { signVoucher, voucherDigest, type Voucher } from './vouchers.js'

type ResponseHookContext = {
  requirements: PaymentRequirements
  settleResponse?: { extra?: Record<string, unknown> | undefined } | undefined
  paymentRequired?: { error?: string | undefined; accepts: PaymentRequirements[] } | undefined
}

/**
 * The client half of modeldao's channel scheme, for any x402 v2 client (`x402Client.register('eip155:*', …)`): signs
 * one cumulative voucher per request, covering what was consumed so far plus this request's price ceiling. It learns
 * the consumed total from each PAYMENT-RESPONSE, and from a corrective 402's channel state after either side crashed,
 * but never believes more than it authorized: a consumed total above the highest voucher it signed (or, after a
 * restart, above the node's latest voucher carrying its own signature) is disputed and nothing more is signed.
 */
export class ChannelSchemeClient implements SchemeNetworkClient {
  readonly scheme = CHANNEL_SCHEME
  /** Consumed per `${channelId}:${modelId}`, as the node last reported it (or pessimistically more). */
  readonly consumed = new Map<string, bigint>()
  /** The highest cumulative amount per `${channelId}:${modelId}` this authorizer is known to have signed. */
  readonly authorized = new Map<string, bigint>()
  /** Channels whose node claimed more than was authorized: why, per `${channelId}:${modelId}`. */
  readonly disputes = new Map<string, string>()
  /** The last voucher signed: what paid the latest request (a validator keeps it as evidence with the receipt). */
  lastVoucher: Voucher | undefined
  /** The payer's signature of `lastVoucher` (kept as evidence when a node withholds the receipt). */
  lastVoucherSignature: Hex | undefined

  constructor(
    private readonly authorizer: LocalAccount,
    /** The channel that pays the requirement's operator (`requirements.payTo`). */
    private readonly channelFor: (requirements: PaymentRequirements) => Hex | Promise<Hex>,
  ) {}

  async createPaymentPayload(x402Version: number, requirements: PaymentRequirements): Promise<PaymentPayloadResult> {
    const extra = requirements.extra as unknown as ChannelExtra
    const channelId = (await this.channelFor(requirements)).toLowerCase() as Hex
    const chainId = Number(/^eip155:(\d+)$/.exec(requirements.network)?.[1])
    const key = `${channelId}:${extra.modelId}`
    const disputed = this.disputes.get(key)
    if (disputed) throw new Error(disputed)
    const consumed = this.consumed.get(key) ?? 0n
    const voucher = { channelId, modelId: BigInt(extra.modelId), cumulativeAmount: consumed + BigInt(requirements.amount), feeShareBps: extra.feeShareBps }
    const signature = await signVoucher(this.authorizer, { chainId, verifyingContract: extra.channels }, voucher)
    this.lastVoucher = voucher
    this.lastVoucherSignature = signature
    if (voucher.cumulativeAmount > (this.authorized.get(key) ?? 0n)) this.authorized.set(key, voucher.cumulativeAmount)
    const payload: ChannelPayload = { channelId, modelId: extra.modelId, cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: voucher.feeShareBps, signature }
    return { x402Version, payload: payload as unknown as Record<string, unknown> }
  }

  readonly schemeHooks = {
    onPaymentResponse: async (ctx: ResponseHookContext): Promise<{ recovered: true } | void> => {
      const requirements = ctx.requirements
      const modelId = (requirements.extra as unknown as ChannelExtra).modelId
      const settled = ctx.settleResponse?.extra as ChannelSettlementExtra | undefined
      if (settled?.channelId) {
        const key = `${settled.channelId.toLowerCase()}:${modelId}`
        // A stream's header is sent before its cost is known: count the whole ceiling until told otherwise.
        const pending = settled.cost === undefined ? BigInt(requirements.amount) : 0n
        const reported = BigInt(settled.consumed) + pending
        if (reported > (this.authorized.get(key) ?? 0n)) {
          this.disputes.set(key, `The node reports ${reported} consumed on channel ${settled.channelId}, more than the ${this.authorized.get(key) ?? 0n} this client authorized; nothing more is signed on it.`)
          return
        }
        this.consumed.set(key, reported)
        return
      }
      const corrective = ctx.paymentRequired?.accepts.find((r) => r.scheme === CHANNEL_SCHEME)?.extra as unknown as ChannelExtra | undefined
      const state = corrective?.channelState
      if (!state) return
      const key = `${state.channelId.toLowerCase()}:${corrective.modelId}`
      const claimed = BigInt(state.consumed)
      const proven = await this.provenAuthorized(requirements, corrective, state)
      if (claimed > proven) {
        this.disputes.set(key, `The node claims ${claimed} consumed on channel ${state.channelId}, but the highest voucher this client can be shown to have signed covers ${proven}; nothing more is signed on it.`)
        return
      }
      if (proven > (this.authorized.get(key) ?? 0n)) this.authorized.set(key, proven)
      this.consumed.set(key, claimed)
      return { recovered: true }
    },
  }

  /** What the node's latest voucher proves this authorizer signed: its amount if the signature is ours, else what this client signed itself. */
  private async provenAuthorized(requirements: PaymentRequirements, extra: ChannelExtra, state: NonNullable<ChannelExtra['channelState']>): Promise<bigint> {
    const key = `${state.channelId.toLowerCase()}:${extra.modelId}`
    const known = this.authorized.get(key) ?? 0n
    if (!state.signature || !/^\d+$/.test(state.cumulativeAmount)) return known
    const chainId = Number(/^eip155:(\d+)$/.exec(requirements.network)?.[1])
    const voucher = { channelId: state.channelId, modelId: BigInt(extra.modelId), cumulativeAmount: BigInt(state.cumulativeAmount), feeShareBps: state.feeShareBps ?? extra.feeShareBps }
    try {
      const signer = await recoverAddress({ hash: voucherDigest({ chainId, verifyingContract: extra.channels }, voucher), signature: state.signature })
      return signer.toLowerCase() === this.authorizer.address.toLowerCase() && voucher.cumulativeAmount > known ? voucher.cumulativeAmount : known
    } catch {
      return known
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
  const channelClient = options.channelFor ? new ChannelSchemeClient(options.account, options.channelFor) : undefined
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
  const wrapped = wrapFetchWithPaymentFromConfig(options.fetch ?? fetch, {
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
  return Object.assign(wrapped as typeof fetch, { channelClient, lastExact: () => lastExact })
}
