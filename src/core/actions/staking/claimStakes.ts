import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { NothingStakedError, ProposalUnknownError } from '../../governance/errors.js'
import { proposalStateNames } from '../../chain/protocol/revertMessages.js'
import { indexedDaos, indexedStakes } from '../../index/governanceQueries.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { syncedIndex } from '../index/syncIndex.js'
import { requireModel } from '../shares/requireModel.js'

export type ClaimStakesParams = {
  modelId?: number | string | undefined
  proposalId?: number | string | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type StakeClaim = { modelId: number; proposalId: number; amount: string; outcome: 'promoted' | 'rejected' | 'refunded'; transactionHash: Hash }
export type ClaimStakesReturnType = { staker: Address; claims: StakeClaim[]; total: string; paymentToken: TokenInfo }
/** MODEL_UNKNOWN, NOTHING_STAKED, REVERT_*. */
export type ClaimStakesErrorType = ModeldaoError

const OUTCOMES = ['unresolved', 'promoted', 'rejected', 'refunded'] as const
/** Governor states in which the DAO has decided (QualityStaking resolves the round). */
const DECIDED = new Set(['executed', 'defeated', 'expired', 'canceled'])

/**
 * Claims what the account's quality stakes earned in every decided round (or one model's, or one proposal's):
 * winners get their stake plus their share of the losers' stakes less the shareholders' cut ("against" wins a
 * proposal cancelled after its vote opened); rounds cancelled before the vote opened, or one-sided, refund. Rounds still undecided are left for later. One transaction per round.
 * @example const { total } = await claimStakes(md)
 */
export async function claimStakes(ctx: ModeldaoContext, params: ClaimStakesParams = {}): Promise<ClaimStakesReturnType> {
  const modelId = params.modelId === undefined ? undefined : await requireModel(ctx, params.modelId)
  if (params.proposalId !== undefined && !/^\d+$/.test(String(params.proposalId).trim())) {
    throw new ProposalUnknownError(`"${params.proposalId}"`, 'a proposal id is a positive whole number', ['Proposals are numbered 1, 2, 3… in each model.'])
  }
  const [{ index }, connection, staking, account, deployments] = await Promise.all([syncedIndex(ctx), ctx.chain(), ctx.contract('QualityStaking'), ctx.signer(), ctx.deployments()])
  const client = connection.publicClient
  const governors = new Map(indexedDaos(index).map((d) => [d.modelId, d.governor]))
  const governorAbi = (await ctx.contract('ModelGovernor')).abi
  const open = indexedStakes(index, account.address, { modelId })
    .filter((s) => params.proposalId === undefined || s.proposalId === Number(params.proposalId))
    .filter((s) => s.claimed === undefined)
  const claims: StakeClaim[] = []
  let total = 0n
  for (const stake of open) {
    const id = BigInt(stake.modelId)
    const pid = BigInt(stake.proposalId)
    const round = await client.readContract({ address: staking.address, abi: staking.abi, functionName: 'roundOf', args: [id, pid] })
    if (round.outcome === 0) {
      // Not resolved yet: claimable only once the DAO has decided (claim resolves it then). A passed version not
      // queued or executed in time reads 'expired' on the governor itself.
      const state = proposalStateNames[await client.readContract({ address: governors.get(stake.modelId)!, abi: governorAbi, functionName: 'state', args: [pid] })]!
      if (!DECIDED.has(state)) continue
    } else if ((await client.readContract({ address: staking.address, abi: staking.abi, functionName: 'claimable', args: [id, pid, account.address] })) === 0n) continue
    try {
      const { hash, events } = await writeProtocol(ctx, { contract: 'QualityStaking', functionName: 'claim', args: [id, pid], onProgress: params.onProgress })
      const paid = events.find((e) => e.eventName === 'StakeClaimed')
      const resolved = await client.readContract({ address: staking.address, abi: staking.abi, functionName: 'roundOf', args: [id, pid] })
      const amount = paid?.eventName === 'StakeClaimed' ? paid.args.amount : 0n
      total += amount
      claims.push({ modelId: stake.modelId, proposalId: stake.proposalId, amount: amount.toString(), outcome: OUTCOMES[resolved.outcome] as StakeClaim['outcome'], transactionHash: hash })
    } catch (error) {
      // A stake on the losing side of a round resolved by this very claim: the one expected refusal.
      if ((error as { code?: string }).code === 'REVERT_QUALITY_STAKING_NOTHING_TO_CLAIM') continue
      throw error
    }
  }
  if (!claims.length) {
    const where = params.proposalId !== undefined ? `in proposal ${params.proposalId}${modelId ? ` of model ${modelId}` : ''}` : modelId !== undefined ? `in model ${modelId}` : 'in any decided round'
    throw new NothingStakedError(account.address, where)
  }
  return { staker: account.address, claims, total: total.toString(), paymentToken: await readToken(connection, deployments.paymentToken) }
}
