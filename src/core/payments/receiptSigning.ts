import { type Account, type Address, type Hex, hashTypedData, keccak256, recoverTypedDataAddress, stringToHex } from 'viem'

/** A receipt signature binds the engine's receipt draft to the payment that paid for it and its cost. */
export type SignedReceiptFields = { receipt: Hex; payment: Hex; cost: bigint }

const RECEIPT_TYPES = { Receipt: [{ name: 'receipt', type: 'bytes32' }, { name: 'payment', type: 'bytes32' }, { name: 'cost', type: 'uint256' }] } as const
const domainOf = (d: { chainId: number; verifyingContract: Address }) => ({ name: 'modeldao Receipts', version: '1', ...d })

/** keccak256 of the draft's canonical JSON (what a receipt signature commits to). */
export const hashReceiptDraft = (draft: unknown): Hex => keccak256(stringToHex(JSON.stringify(draft)))

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
