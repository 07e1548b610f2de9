import { wrapFetchWithPaymentFromConfig } from '@x402/fetch'
import { ExactEvmScheme as ExactEvmClientScheme } from '@x402/evm/exact/client'
import type { PaymentPayloadResult, PaymentRequirements, SchemeNetworkClient } from '@x402/core/types'
import type { Hex, LocalAccount } from 'viem'
import { CHANNEL_SCHEME, EXACT_SCHEME, type ChannelExtra, type ChannelPayload, type ChannelSettlementExtra } from './scheme.js'
import { signVoucher, type Voucher } from './vouchers.js'

type ResponseHookContext = {
  requirements: PaymentRequirements
  settleResponse?: { extra?: Record<string, unknown> | undefined } | undefined
  paymentRequired?: { error?: string | undefined; accepts: PaymentRequirements[] } | undefined
}

/**
 * The client half of modeldao's channel scheme, for any x402 v2 client (`x402Client.register('eip155:*', …)`): signs
 * one cumulative voucher per request, covering what was consumed so far plus this request's price ceiling. It learns
 * the consumed total from each PAYMENT-RESPONSE, and from a corrective 402's channel state after either side crashed.
 */
export class ChannelSchemeClient implements SchemeNetworkClient {
  readonly scheme = CHANNEL_SCHEME
  /** Consumed per `${channelId}:${modelId}`, as the node last reported it (or pessimistically more). */
  readonly consumed = new Map<string, bigint>()
  /** The last voucher signed: what paid the latest request (a validator keeps it as evidence with the receipt). */
  lastVoucher: Voucher | undefined

  constructor(
    private readonly authorizer: LocalAccount,
    /** The channel that pays the requirement's operator (`requirements.payTo`). */
    private readonly channelFor: (requirements: PaymentRequirements) => Hex | Promise<Hex>,
  ) {}

  async createPaymentPayload(x402Version: number, requirements: PaymentRequirements): Promise<PaymentPayloadResult> {
    const extra = requirements.extra as unknown as ChannelExtra
    const channelId = (await this.channelFor(requirements)).toLowerCase() as Hex
    const chainId = Number(/^eip155:(\d+)$/.exec(requirements.network)?.[1])
    const consumed = this.consumed.get(`${channelId}:${extra.modelId}`) ?? 0n
    const voucher = { channelId, modelId: BigInt(extra.modelId), cumulativeAmount: consumed + BigInt(requirements.amount), feeShareBps: extra.feeShareBps }
    const signature = await signVoucher(this.authorizer, { chainId, verifyingContract: extra.channels }, voucher)
    this.lastVoucher = voucher
    const payload: ChannelPayload = { channelId, modelId: extra.modelId, cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: voucher.feeShareBps, signature }
    return { x402Version, payload: payload as unknown as Record<string, unknown> }
  }

  readonly schemeHooks = {
    onPaymentResponse: async (ctx: ResponseHookContext): Promise<{ recovered: true } | void> => {
      const modelId = (ctx.requirements.extra as unknown as ChannelExtra).modelId
      const settled = ctx.settleResponse?.extra as ChannelSettlementExtra | undefined
      if (settled?.channelId) {
        // A stream's header is sent before its cost is known: count the whole ceiling until told otherwise.
        const pending = settled.cost === undefined ? BigInt(ctx.requirements.amount) : 0n
        this.consumed.set(`${settled.channelId.toLowerCase()}:${modelId}`, BigInt(settled.consumed) + pending)
        return
      }
      const corrective = ctx.paymentRequired?.accepts.find((r) => r.scheme === CHANNEL_SCHEME)?.extra as unknown as ChannelExtra | undefined
      if (corrective?.channelState) {
        this.consumed.set(`${corrective.channelState.channelId.toLowerCase()}:${corrective.modelId}`, BigInt(corrective.channelState.consumed))
        return { recovered: true }
      }
    },
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
  /** Refuse to pay more than this (base units) for one request. */
  maxCost?: bigint | undefined
  /** The fetch to wrap (default: global fetch). */
  fetch?: typeof fetch | undefined
}

/**
 * A `fetch` that pays modeldao nodes per request over x402, for the official `openai` client's `fetch` option:
 * `new OpenAI({ baseURL: `${node}/v1`, apiKey: 'unused', fetch: createPayingFetch({ account, channelFor }) })`.
 */
export function createPayingFetch(options: PayingFetchOptions): typeof fetch & { channelClient?: ChannelSchemeClient | undefined } {
  const channelClient = options.channelFor ? new ChannelSchemeClient(options.account, options.channelFor) : undefined
  const prefer = options.prefer ?? (channelClient ? 'channel' : 'exact')
  // One network key for both schemes: an exact key would hide the wildcard.
  const schemes: { network: `${string}:${string}`; client: SchemeNetworkClient }[] = [{ network: 'eip155:*', client: new ExactEvmClientScheme(options.account) }]
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
        return first.length > 0 ? first : requirements
      },
    ],
  })
  return Object.assign(wrapped as typeof fetch, { channelClient })
}
