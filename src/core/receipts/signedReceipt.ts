import type { Address, Hex } from 'viem'
import type { Exchange } from './check.js'
import type { ReceiptDraft } from './draft.js'

/**
 * A receipt as evidence: the node's draft (as `GET /v1/receipts/<id>` returns it), the operator and its signature
 * (`usage.receipt.signature`), what the request cost, and the voucher that paid for it. Everything a challenge needs.
 */
export type SignedReceipt = {
  draft: ReceiptDraft
  operator: Address
  signature: Hex
  /** Base units, decimal. */
  cost: string
  voucher: { channelId: Hex; modelId: string; cumulativeAmount: string; feeShareBps: number }
  /**
   * What the client sent and received, when it kept them: the receipt must be this exchange's (its request hash, text
   * hash and token counts are checked against them, and with the weights its prompt and output tokens).
   */
  exchange?: Exchange | undefined
  /** The payment the signature binds (the voucher's digest, or an exact payment's keccak256(payer ‖ nonce)). */
  paymentRef?: Hex | undefined
}
