import { decodeFunctionData, encodeFunctionData, formatUnits, getAddress, keccak256, toBytes, type Abi, type Address, type Hex } from 'viem'
import { protocolArtifacts } from '../chain/protocol/registry.js'

/** One call a proposal makes when executed (through the model's timelock). */
export type ProposalAction = { target: Address; value: bigint; calldata: Hex }

/** The addresses a proposal's actions are decoded against. */
export type GovernanceAddresses = {
  modelShares: Address
  datasetRegistry: Address
  qualityStaking: Address
  /** The model's own governor (settings changes target it). */
  governor: Address
}

/** A dataset as a proposal includes it. */
export type DatasetInput = { cid: string; name: string; license: string; sizeBytes: bigint; descriptionCid: string }

/** Parameter changes a `params` proposal can carry; each one present becomes one action. */
export type ParamsChange = {
  /** Base units of the payment token. */
  pricePerRequest?: bigint | undefined
  /** Shareholders' share of each payment, basis points (scheduled: effective 8 days after execution). */
  feeShareBps?: number | undefined
  royaltyReceiver?: Address | undefined
  votingDelay?: number | undefined
  votingPeriod?: number | undefined
  proposalThreshold?: bigint | undefined
  quorumPercent?: number | undefined
  superQuorumPercent?: number | undefined
  /** Cut of the losing quality stakes paid to the shareholders, basis points. */
  stakingCutBps?: number | undefined
}

/** A proposal's actions as the index stores them (values as decimal strings). */
export function proposalActions(proposal: { targets: readonly Address[]; values: readonly string[]; calldatas: readonly Hex[] }): ProposalAction[] {
  return proposal.targets.map((target, i) => ({ target, value: BigInt(proposal.values[i] ?? '0'), calldata: proposal.calldatas[i]! }))
}

/** The hash a governor identifies a proposal's description by (queue, execute, cancel; QualityStaking's round). */
export const descriptionHash = (description: string): Hex => keccak256(toBytes(description))

/** What kind of proposal the actions make (version proposals are the ones quality stakes are taken on). */
export type ProposalKind = 'dataset' | 'version' | 'params' | 'other'

const { ModelShares, DatasetRegistry, QualityStaking, ModelGovernor } = protocolArtifacts

export function datasetActions(addresses: GovernanceAddresses, modelId: number, dataset: DatasetInput): ProposalAction[] {
  const calldata = encodeFunctionData({ abi: DatasetRegistry.abi, functionName: 'include', args: [BigInt(modelId), dataset] })
  return [{ target: addresses.datasetRegistry, value: 0n, calldata }]
}

export function datasetRemovalActions(addresses: GovernanceAddresses, modelId: number, cid: string): ProposalAction[] {
  const calldata = encodeFunctionData({ abi: DatasetRegistry.abi, functionName: 'remove', args: [BigInt(modelId), cid] })
  return [{ target: addresses.datasetRegistry, value: 0n, calldata }]
}

/** The one action of a version proposal: the exact shape QualityStaking opens a round on. */
export function versionActions(addresses: GovernanceAddresses, modelId: number, manifestCid: string): ProposalAction[] {
  const calldata = encodeFunctionData({ abi: ModelShares.abi, functionName: 'setManifest', args: [BigInt(modelId), manifestCid] })
  return [{ target: addresses.modelShares, value: 0n, calldata }]
}

/**
 * The order of a quorum and super-quorum change that keeps quorum ≤ super quorum after each step (the governor
 * reverts otherwise): super quorum first when the current quorum fits under the new super quorum, else quorum first.
 * Undefined when the final pair itself is invalid (quorum above super quorum), or no order works.
 */
export function quorumOrder(current: { quorum: number; superQuorum: number }, change: Pick<ParamsChange, 'quorumPercent' | 'superQuorumPercent'>): 'super-first' | 'quorum-first' | undefined {
  const q = change.quorumPercent ?? current.quorum
  const s = change.superQuorumPercent ?? current.superQuorum
  if (q > s) return undefined
  if (current.quorum <= s) return 'super-first'
  return q <= current.superQuorum ? 'quorum-first' : undefined
}

export function paramsActions(addresses: GovernanceAddresses, modelId: number, change: ParamsChange, order: 'super-first' | 'quorum-first' = 'super-first'): ProposalAction[] {
  const id = BigInt(modelId)
  const actions: ProposalAction[] = []
  const add = (target: Address, calldata: Hex) => actions.push({ target, value: 0n, calldata })
  const shares = (functionName: 'setPricePerRequest' | 'scheduleFeeShare' | 'setRoyaltyReceiver', arg: bigint | number | Address) =>
    add(addresses.modelShares, encodeFunctionData({ abi: ModelShares.abi, functionName, args: [id, arg] } as never))
  const governor = (functionName: string, arg: bigint | number) => add(addresses.governor, encodeFunctionData({ abi: ModelGovernor.abi, functionName, args: [arg] } as never))
  if (change.pricePerRequest !== undefined) shares('setPricePerRequest', change.pricePerRequest)
  if (change.feeShareBps !== undefined) shares('scheduleFeeShare', change.feeShareBps)
  if (change.royaltyReceiver !== undefined) shares('setRoyaltyReceiver', change.royaltyReceiver)
  if (change.votingDelay !== undefined) governor('setVotingDelay', change.votingDelay)
  if (change.votingPeriod !== undefined) governor('setVotingPeriod', change.votingPeriod)
  if (change.proposalThreshold !== undefined) governor('setProposalThreshold', change.proposalThreshold)
  // The governor keeps quorum <= super quorum after each call: `order` (see quorumOrder) says which goes first.
  const superQuorum = () => change.superQuorumPercent !== undefined && governor('updateSuperQuorumNumerator', BigInt(change.superQuorumPercent))
  const quorum = () => change.quorumPercent !== undefined && governor('updateQuorumNumerator', BigInt(change.quorumPercent))
  if (order === 'super-first') {
    superQuorum()
    quorum()
  } else {
    quorum()
    superQuorum()
  }
  if (change.stakingCutBps !== undefined) {
    add(addresses.qualityStaking, encodeFunctionData({ abi: QualityStaking.abi, functionName: 'setCut', args: [id, change.stakingCutBps] }))
  }
  return actions
}

/** A proposal action decoded: what it does in words, and its function and arguments when known. */
export type DecodedAction = { text: string; contract?: string | undefined; functionName?: string | undefined; args?: readonly unknown[] | undefined }

/** How amounts of the payment token are shown in decoded actions. */
export type TokenFormat = { symbol: string; decimals: number }

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Decodes a proposal's actions into words ("include dataset …", "promote version …"). Unknown calls are shown raw. */
export function describeActions(actions: readonly ProposalAction[], addresses: GovernanceAddresses, token: TokenFormat): DecodedAction[] {
  return actions.map((action) => describeAction(action, addresses, token))
}

function describeAction(action: ProposalAction, addresses: GovernanceAddresses, token: TokenFormat): DecodedAction {
  const known: [string, Address, Abi][] = [
    ['ModelShares', addresses.modelShares, ModelShares.abi as Abi],
    ['DatasetRegistry', addresses.datasetRegistry, DatasetRegistry.abi as Abi],
    ['QualityStaking', addresses.qualityStaking, QualityStaking.abi as Abi],
    ['ModelGovernor', addresses.governor, ModelGovernor.abi as Abi],
  ]
  const match = known.find(([, address]) => same(address, action.target))
  const raw = `call ${action.target} with ${action.calldata.slice(0, 10)}…${action.value ? ` and ${action.value} wei` : ''}`
  if (!match) return { text: raw }
  let decoded: { functionName: string; args: readonly unknown[] }
  try {
    decoded = decodeFunctionData({ abi: match[2], data: action.calldata }) as { functionName: string; args: readonly unknown[] }
  } catch {
    return { text: raw, contract: match[0] }
  }
  const { functionName, args } = decoded
  // Arguments as JSON-safe values (bigints as decimal strings): views are printed with --json.
  const base = { contract: match[0], functionName, args: JSON.parse(JSON.stringify(args, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown[] }
  const amount = (value: unknown) => `${formatUnits(value as bigint, token.decimals)} ${token.symbol}`
  const percent = (value: unknown) => `${Number(value) / 100}%`
  switch (`${match[0]}.${functionName}`) {
    case 'DatasetRegistry.include': {
      const d = args[1] as DatasetInput
      return { ...base, text: `include dataset "${d.name}" ${d.cid} (${d.license || 'no license given'}, ${d.sizeBytes} bytes${d.descriptionCid ? `, described in ${d.descriptionCid}` : ''})` }
    }
    case 'DatasetRegistry.remove':
      return { ...base, text: `remove dataset ${args[1]}` }
    case 'ModelShares.setManifest':
      return { ...base, text: `promote version ${args[1]} (the model's canonical weights manifest)` }
    case 'ModelShares.setPricePerRequest':
      return { ...base, text: `set the price per request to ${amount(args[1])}` }
    case 'ModelShares.scheduleFeeShare':
      return { ...base, text: `schedule the shareholders' fee share at ${percent(args[1])} (effective 8 days after execution)` }
    case 'ModelShares.setRoyaltyReceiver':
      return { ...base, text: `pay resale royalties to ${getAddress(args[1] as string)}` }
    case 'ModelShares.transferAdmin':
      return { ...base, text: `offer the model's admin role to ${getAddress(args[1] as string)}` }
    case 'ModelGovernor.setVotingDelay':
      return { ...base, text: `set the voting delay to ${args[0]} blocks` }
    case 'ModelGovernor.setVotingPeriod':
      return { ...base, text: `set the voting period to ${args[0]} blocks` }
    case 'ModelGovernor.setProposalThreshold':
      return { ...base, text: `set the proposal threshold to ${args[0]} shares` }
    case 'ModelGovernor.updateQuorumNumerator':
      return { ...base, text: `set the quorum to ${args[0]}% of the shares that can vote` }
    case 'ModelGovernor.updateSuperQuorumNumerator':
      return { ...base, text: `set the super quorum to ${args[0]}% of the shares that can vote` }
    case 'QualityStaking.setCut':
      return { ...base, text: `set the shareholders' cut of losing quality stakes to ${percent(args[1])}` }
    default:
      return { ...base, text: `${match[0]}.${functionName}(${args.map(String).join(', ')})` }
  }
}

/** The kind of a proposal, from its decoded actions. */
export function proposalKind(decoded: readonly DecodedAction[]): ProposalKind {
  if (decoded.length === 1 && decoded[0]!.contract === 'ModelShares' && decoded[0]!.functionName === 'setManifest') return 'version'
  if (decoded.length && decoded.every((a) => a.contract === 'DatasetRegistry')) return 'dataset'
  const params = new Set(['setPricePerRequest', 'scheduleFeeShare', 'setRoyaltyReceiver', 'setVotingDelay', 'setVotingPeriod', 'setProposalThreshold', 'updateQuorumNumerator', 'updateSuperQuorumNumerator', 'setCut'])
  if (decoded.length && decoded.every((a) => a.functionName && params.has(a.functionName))) return 'params'
  return 'other'
}
