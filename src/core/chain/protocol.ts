import type { Abi, Address, Hex } from 'viem'
import {
  modelSharesAbi,
  modelSharesBytecode,
  paymentEscrowAbi,
  paymentEscrowBytecode,
  shareOfferingAbi,
  shareOfferingBytecode,
  testUSDAbi,
  testUSDBytecode,
} from './generated/contracts.js'

/** Time clients must give notice before withdrawing unspent escrow, so operators can settle first. */
export const ESCROW_WITHDRAWAL_NOTICE_SECONDS = 24 * 60 * 60

/** Addresses known while deploying, by contract name, plus the payment token. */
export type DeployContext = { addresses: Record<string, Address>; paymentToken: Address; deployer: Address }

const deployed = (context: DeployContext, name: string): Address => {
  const address = context.addresses[name]
  if (!address) throw new Error(`protocol order: ${name} must be deployed before it is used`)
  return address
}

/** One contract of the protocol and how to construct it from what was deployed before it. */
export type ProtocolContract = {
  name: string
  abi: Abi
  bytecode: Hex
  /** Deployed only when no payment token is given (local chains): the test stablecoin. */
  isPaymentToken?: boolean
  args: (context: DeployContext) => readonly unknown[]
}

/**
 * The protocol, in deployment order. Adding a contract here is all `chain up` and `deploy` need to deploy it.
 */
export const protocolContracts: readonly ProtocolContract[] = [
  { name: 'TestUSD', abi: testUSDAbi, bytecode: testUSDBytecode, isPaymentToken: true, args: () => [] },
  { name: 'ModelShares', abi: modelSharesAbi, bytecode: modelSharesBytecode, args: (c) => [c.paymentToken, 'modeldao models'] },
  { name: 'ShareOffering', abi: shareOfferingAbi, bytecode: shareOfferingBytecode, args: (c) => [deployed(c, 'ModelShares')] },
  {
    name: 'PaymentEscrow',
    abi: paymentEscrowAbi,
    bytecode: paymentEscrowBytecode,
    args: (c) => [deployed(c, 'ModelShares'), BigInt(ESCROW_WITHDRAWAL_NOTICE_SECONDS)],
  },
]
