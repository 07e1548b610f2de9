import type { PaymentRequirements } from '@x402/core/types'
import type { Address, Hex } from 'viem'

/** modeldao's channel voucher scheme, as named in x402 payment requirements. */
export const CHANNEL_SCHEME = 'modeldao-channel'
/** x402's standard EIP-3009 scheme. */
export const EXACT_SCHEME = 'exact'

/** `extra` of a channel requirement: what the client needs to sign a voucher the node accepts. */
export type ChannelExtra = {
  channels: Address
  modelId: string
  feeShareBps: number
  perRequest: string
  perOutputToken: string
  maxTokens: number
  /** Only in a corrective 402: the node's view of the channel, to resynchronise a client after a crash. */
  /** `signature` and `feeShareBps` are those of the latest voucher the node holds: the client checks it signed it. */
  /** `consumed` is what the node booked; `reserved` what its requests in flight hold on top (a new voucher covers both). */
  channelState?: { channelId: Hex; consumed: string; reserved?: string | undefined; cumulativeAmount: string; signature: Hex | null; feeShareBps?: number | undefined } | undefined
}

/** The scheme-specific payload of a channel payment. */
export type ChannelPayload = { channelId: Hex; modelId: string; cumulativeAmount: string; feeShareBps: number; signature: Hex }

/** `extra` of a PAYMENT-RESPONSE for a channel payment. */
export type ChannelSettlementExtra = { channelId: Hex; consumed: string; cost?: string | undefined; holders?: string | undefined; operator?: string | undefined }

export const isChannelRequirement = (r: PaymentRequirements): boolean => r.scheme === CHANNEL_SCHEME
