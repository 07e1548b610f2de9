import { type Account, type Address, type Hex, hashTypedData, keccak256, recoverTypedDataAddress } from 'viem'
import type { ReceiptCommitment } from './codec.js'

/**
 * A receipt signature binds the work (model, weights, the receipt body's hash) to the payment that paid for it
 * (the voucher digest, or the exact authorization) and its cost. ReceiptChallenges checks the same struct on chain.
 */
export type SignedReceiptFields = ReceiptCommitment & { payment: Hex; cost: bigint }

export const RECEIPT_TYPES = {
  Receipt: [
    { name: 'modelId', type: 'uint256' },
    { name: 'weightsCidHash', type: 'bytes32' },
    { name: 'body', type: 'bytes32' },
    { name: 'payment', type: 'bytes32' },
    { name: 'cost', type: 'uint256' },
  ],
} as const
/** The EIP-712 domain: chain id and the PaymentChannels contract bind a signature to one deployment. */
const domainOf = (d: { chainId: number; verifyingContract: Address }) => ({ name: 'modeldao Receipts', version: '1', ...d })

/** The operator's EIP-712 signature of a receipt (chain and channels contract in the domain). */
export async function signReceipt(operator: Account, domain: { chainId: number; verifyingContract: Address }, fields: SignedReceiptFields): Promise<Hex> {
  if (!operator.signTypedData) throw new Error('the operator account cannot sign typed data')
  return operator.signTypedData({ domain: domainOf(domain), types: RECEIPT_TYPES, primaryType: 'Receipt', message: fields })
}

/** The address that signed a receipt. */
export function recoverReceiptSigner(domain: { chainId: number; verifyingContract: Address }, fields: SignedReceiptFields, signature: Hex): Promise<Address> {
  return recoverTypedDataAddress({ domain: domainOf(domain), types: RECEIPT_TYPES, primaryType: 'Receipt', message: fields, signature })
}

export const receiptDigest = (domain: { chainId: number; verifyingContract: Address }, fields: SignedReceiptFields): Hex =>
  hashTypedData({ domain: domainOf(domain), types: RECEIPT_TYPES, primaryType: 'Receipt', message: fields })

/** The payment a receipt for an exact (EIP-3009) payment is bound to: keccak256(payer ‖ nonce). */
export const exactPaymentRef = (from: Address, nonce: Hex): Hex => keccak256(`0x${from.slice(2)}${nonce.slice(2)}`)
