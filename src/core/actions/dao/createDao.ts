import { zeroAddress, type Address, type Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { DaoExistsError, NotModelAdminError, ProposalInvalidError } from '../../governance/errors.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { requireModel } from '../shares/requireModel.js'

/** Governor settings of a new DAO. Blocks for the delay and period; percentages of the shares that can vote. */
export type DaoSettings = {
  /** Blocks from a proposal to its snapshot (when voting opens). Default 1. */
  votingDelay: number
  /** Blocks of voting. Default 50,400 (~1 week of 12 s blocks). */
  votingPeriod: number
  /** Shares needed to propose. Default 0.1% of the supply (rounded down, at least 1). */
  proposalThreshold?: bigint | undefined
  /** Default 4. */
  quorumPercent: number
  /** "For" votes that pass a proposal before the vote ends. Default 51. */
  superQuorumPercent: number
  /** May cancel a poisoned proposal; default none. */
  guardian?: Address | undefined
  /** Seconds between queueing and executing. Default 2 days. */
  timelockDelay: number
}

// The voting delay is the staking window: quality stakes close when voting opens (a stake on a public tally is a
// bet on a known winner). About a day at 12-second blocks.
export const DEFAULT_DAO_SETTINGS: DaoSettings = { votingDelay: 7_200, votingPeriod: 50_400, quorumPercent: 4, superQuorumPercent: 51, timelockDelay: 2 * 24 * 3600 }

export type CreateDaoParams = { modelId: number | string; settings?: { [K in keyof DaoSettings]?: DaoSettings[K] | undefined } | undefined; onProgress?: ((event: TransactionProgress) => void) | undefined }
export type CreateDaoReturnType = {
  modelId: number
  governor: Address
  timelock: Address
  votes: Address
  settings: Omit<DaoSettings, 'proposalThreshold' | 'guardian'> & { proposalThreshold: string; guardian: Address | null }
  transactions: Hash[]
}
/** MODEL_UNKNOWN, NOT_MODEL_ADMIN, DAO_EXISTS, PROPOSAL_INVALID (settings out of range), REVERT_*. */
export type CreateDaoErrorType = ModeldaoError


/**
 * Creates a model's DAO and hands it the model: the admin offers its role to the DAO's (predicted) timelock, then the
 * factory clones governor, timelock and votes view, and the timelock accepts the role. From then on the model's
 * manifest, price, fee share and royalty receiver change only through proposals. Admin only, once per model.
 * @example const dao = await createDao(md, { modelId: 1, settings: { votingPeriod: 100 } })
 */
export async function createDao(ctx: ModeldaoContext, params: CreateDaoParams): Promise<CreateDaoReturnType> {
  const modelId = await requireModel(ctx, params.modelId)
  const [connection, shares, factory, account] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.contract('DaoFactory'), ctx.signer()])
  const client = connection.publicClient
  const id = BigInt(modelId)
  const [existing, admin, pending, supply, predicted] = await Promise.all([
    client.readContract({ address: factory.address, abi: factory.abi, functionName: 'governorOf', args: [id] }),
    client.readContract({ address: shares.address, abi: shares.abi, functionName: 'adminOf', args: [id] }),
    client.readContract({ address: shares.address, abi: shares.abi, functionName: 'pendingAdminOf', args: [id] }),
    client.readContract({ address: shares.address, abi: shares.abi, functionName: 'totalSupply', args: [id] }),
    client.readContract({ address: factory.address, abi: factory.abi, functionName: 'predictDao', args: [id] }),
  ])
  if (existing !== zeroAddress) throw new DaoExistsError(modelId, existing)
  if (admin.toLowerCase() !== account.address.toLowerCase()) throw new NotModelAdminError(modelId, admin, account.address)
  const s = { ...DEFAULT_DAO_SETTINGS, ...Object.fromEntries(Object.entries(params.settings ?? {}).filter(([, v]) => v !== undefined)) } as DaoSettings
  const threshold = s.proposalThreshold ?? (supply / 1000n > 0n ? supply / 1000n : 1n)
  checkSettings(s)
  const transactions: Hash[] = []
  if (pending.toLowerCase() !== predicted.timelock.toLowerCase()) {
    const offer = await writeProtocol(ctx, { contract: 'ModelShares', functionName: 'transferAdmin', args: [id, predicted.timelock], onProgress: params.onProgress })
    transactions.push(offer.hash)
  }
  const settings = {
    votingDelay: s.votingDelay,
    votingPeriod: s.votingPeriod,
    proposalThreshold: threshold,
    quorumPercent: s.quorumPercent,
    superQuorumPercent: s.superQuorumPercent,
    guardian: s.guardian ?? zeroAddress,
  } as const
  const created = await writeProtocol(ctx, { contract: 'DaoFactory', functionName: 'createDao', args: [id, settings, BigInt(s.timelockDelay)], onProgress: params.onProgress })
  transactions.push(created.hash)
  return {
    modelId,
    governor: predicted.governor,
    timelock: predicted.timelock,
    votes: predicted.votes,
    settings: { ...s, proposalThreshold: threshold.toString(), guardian: s.guardian ?? null },
    transactions,
  }
}

function checkSettings(s: DaoSettings) {
  const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max
  if (!whole(s.votingDelay, 0, 2 ** 48 - 1)) throw new ProposalInvalidError(`A voting delay of ${s.votingDelay} blocks is out of range.`, 'Pass --voting-delay as a whole number of blocks (0 or more).')
  if (!whole(s.votingPeriod, 1, 2 ** 32 - 1)) throw new ProposalInvalidError(`A voting period of ${s.votingPeriod} blocks is out of range.`, 'Pass --voting-period as a whole number of blocks (1 or more).')
  if (!whole(s.quorumPercent, 0, 100)) throw new ProposalInvalidError(`A quorum of ${s.quorumPercent}% is out of range.`, 'Pass --quorum as a whole percentage from 0 to 100.')
  if (!whole(s.superQuorumPercent, s.quorumPercent, 100)) {
    throw new ProposalInvalidError(`A super quorum of ${s.superQuorumPercent}% must lie between the quorum (${s.quorumPercent}%) and 100%.`, 'Pass --super-quorum at least --quorum.')
  }
  if (!whole(s.timelockDelay, 0, 30 * 24 * 3600)) throw new ProposalInvalidError(`A timelock delay of ${s.timelockDelay} s is out of range (0 to 30 days).`, 'Pass a shorter --timelock-delay.')
}
