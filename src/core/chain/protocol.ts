import type { Abi, Address, Hex } from 'viem'
import { testUSDAbi, testUSDBytecode } from './generated/contracts.js'

/** Addresses known while deploying, by contract name, plus the payment token. */
export type DeployContext = { addresses: Record<string, Address>; paymentToken: Address; deployer: Address }

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
]
