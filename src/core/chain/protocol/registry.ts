import type { Abi, Address, ContractConstructorArgs } from 'viem'
import { protocolArtifacts } from './generated/contracts.js'

export { protocolArtifacts }

/** A deployable contract under contracts/, by name (generated from forge's artifacts). */
export type ProtocolContractName = keyof typeof protocolArtifacts
export type ProtocolAbi<N extends ProtocolContractName> = (typeof protocolArtifacts)[N]['abi']

/** Smallest stake a node registration needs (1 unit of a 6-decimal payment token). */
export const NODE_MIN_STAKE = 1_000_000n

/**
 * Receipt challenges (ReceiptChallenges' constructor `Params`), in 6-decimal payment-token units and seconds.
 *
 * A validator stakes at least 10; a challenger bonds 1 (an appeal 2, then 4); a proven cheat loses up to 1 (the whole
 * minimum node stake): a quarter to the challenger, half to the harmed payer (at most what it paid), a quarter burned.
 * A vote weighs its stake and risks a tenth of it; a round counts when half the stake snapshot reveals. Validators
 * decide a round only when that half, at a tenth each, risks more than the round moves: 40 of stake for the first
 * round (slash 1 + bond 1, / 0.5 / 0.1), 80 for an appeal (slash 1 + bonds 3); below that, the model's DAO decides.
 * The operator answers within the hour; validators commit for a day, reveal for a day; an appeal may follow for a
 * day; two validator rounds, then the DAO has three days.
 */
export const RECEIPT_CHALLENGE_PARAMS = {
  minValidatorStake: 10_000_000n,
  challengeBond: 1_000_000n,
  slashAmount: NODE_MIN_STAKE,
  challengerShareBps: 2_500,
  payerShareBps: 5_000,
  quorumBps: 5_000,
  penaltyBps: 1_000,
  validatorRounds: 2,
  answerWindow: 3_600,
  commitWindow: 86_400,
  revealWindow: 86_400,
  appealWindow: 86_400,
  daoWindow: 259_200,
} as const

/** Addresses known while deploying, plus the payment token. */
export type DeployContext = { addresses: Partial<Record<ProtocolContractName, Address>>; paymentToken: Address; deployer: Address }

const deployed = (context: DeployContext, name: ProtocolContractName): Address => {
  const address = context.addresses[name]
  if (!address) throw new Error(`protocol order: ${name} must be deployed before it is used`)
  return address
}

/** A call the deployer makes once a step's contract is deployed (e.g. binding two contracts to each other). */
export type ProtocolCall = { contract: ProtocolContractName; functionName: string; args: readonly unknown[] }

/** One contract of the protocol and how to construct it from what was deployed before it. */
export type ProtocolStep<N extends ProtocolContractName = ProtocolContractName> = {
  name: N
  /** Deployed only when no payment token is given (local chains): the test stablecoin. */
  isPaymentToken?: boolean
  args: (context: DeployContext) => ContractConstructorArgs<ProtocolAbi<N>>
  /** Sent by the deployer right after this step's deployment, before the next one. */
  then?: ((context: DeployContext) => ProtocolCall) | undefined
}

const step = <N extends ProtocolContractName>(s: ProtocolStep<N>): ProtocolStep => s as unknown as ProtocolStep

/** The protocol, in deployment order. Adding a contract here is all `chainUp` and `deployProtocol` need. */
export const protocolSteps: readonly ProtocolStep[] = [
  step({ name: 'TestUSD', isPaymentToken: true, args: () => [] as const }),
  step({ name: 'ModelShares', args: (c) => [c.paymentToken, 'modeldao models'] as const }),
  step({ name: 'ShareOffering', args: (c) => [deployed(c, 'ModelShares')] as const }),
  step({ name: 'PaymentChannels', args: (c) => [deployed(c, 'ModelShares')] as const }),
  step({ name: 'ExactPayments', args: (c) => [deployed(c, 'ModelShares')] as const }),
  // Governance: one implementation of each per-model part; DaoFactory clones them for each model's DAO.
  // Shares escrowed in the share market cannot vote: ModelGovernor and ModelVotes take them out of the quorum's supply.
  step({ name: 'ModelGovernor', args: (c) => [deployed(c, 'ModelShares'), deployed(c, 'ShareOffering')] as const }),
  step({ name: 'ModelTimelock', args: () => [] as const }),
  step({ name: 'ModelVotes', args: (c) => [deployed(c, 'ModelShares'), deployed(c, 'ShareOffering')] as const }),
  step({
    name: 'DaoFactory',
    args: (c) => [deployed(c, 'ModelShares'), deployed(c, 'ModelGovernor'), deployed(c, 'ModelTimelock'), deployed(c, 'ModelVotes')] as const,
  }),
  // ReceiptChallenges slashes NodeRegistry's stakes: it is deployed first, NodeRegistry names it, then the deployer
  // binds the two (`bindRegistry`: once, only by ReceiptChallenges' deployer, so no stranger can take it in between).
  step({
    name: 'ReceiptChallenges',
    args: (c) => [deployed(c, 'ModelShares'), deployed(c, 'PaymentChannels'), deployed(c, 'DaoFactory'), RECEIPT_CHALLENGE_PARAMS] as const,
  }),
  step({
    name: 'NodeRegistry',
    args: (c) => [deployed(c, 'ModelShares'), NODE_MIN_STAKE, deployed(c, 'ReceiptChallenges')] as const,
    then: (c) => ({ contract: 'ReceiptChallenges', functionName: 'bindRegistry', args: [deployed(c, 'NodeRegistry')] }),
  }),
  step({ name: 'DatasetRegistry', args: (c) => [deployed(c, 'DaoFactory')] as const }),
  step({ name: 'QualityStaking', args: (c) => [deployed(c, 'ModelShares'), deployed(c, 'DaoFactory')] as const }),
]

/** Every custom error of every protocol contract (with the OpenZeppelin ones they inherit), once each. */
export const protocolErrorsAbi: Abi = (() => {
  const seen = new Map<string, Abi[number]>()
  for (const { abi } of Object.values(protocolArtifacts)) {
    for (const item of abi as Abi) if (item.type === 'error' && !seen.has(item.name)) seen.set(item.name, item)
  }
  return [...seen.values()]
})()

/** Names of every custom error a protocol contract can revert with. */
export type ProtocolErrorName = {
  [N in ProtocolContractName]: Extract<ProtocolAbi<N>[number], { type: 'error' }>['name']
}[ProtocolContractName]
