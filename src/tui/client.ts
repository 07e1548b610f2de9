import type { Address } from 'viem'
import type { ModeldaoContext } from '../core/context/context.js'
import { castVote, type CastVoteReturnType, type VoteSupport } from '../core/actions/dao/castVote.js'
import { delegateVotes, type DelegateVotesReturnType } from '../core/actions/dao/delegateVotes.js'
import { executeProposal } from '../core/actions/dao/executeProposal.js'
import { getProposal, type ProposalView } from '../core/actions/dao/getProposal.js'
import { listProposals, type ProposalSummary } from '../core/actions/dao/listProposals.js'
import { queueProposal } from '../core/actions/dao/queueProposal.js'
import type { ProposalStepReturnType } from '../core/governance/lifecycle.js'
import { stakeOnVersion, type StakeOnVersionReturnType } from '../core/actions/staking/stakeOnVersion.js'
import { accountModelIds } from '../core/index/queries.js'
import type { TransactionProgress } from '../core/chain/protocol/write.js'

export type ProposalRow = ProposalSummary

/** What the TUI reads and does: the same core actions the `dao` and `stake` commands use. */
export type TuiClient = {
  /** The account shown and signing, without unlocking it. */
  address(): Promise<Address | undefined>
  blockNumber(): Promise<number>
  /** Proposals of the models the account holds (or held) shares of, or of `--model`; active first. */
  proposals(): Promise<{ block: number; proposals: ProposalRow[] }>
  proposal(modelId: number, proposalId: number): Promise<ProposalView>
  vote(modelId: number, proposalId: number, support: VoteSupport, reason: string, bySignature: boolean, onProgress: (e: TransactionProgress) => void): Promise<CastVoteReturnType>
  delegate(modelId: number, to: string | undefined, onProgress: (e: TransactionProgress) => void): Promise<DelegateVotesReturnType>
  stake(modelId: number, proposalId: number, side: 'for' | 'against', amount: string, onProgress: (e: TransactionProgress) => void): Promise<StakeOnVersionReturnType>
  queue(modelId: number, proposalId: number, onProgress: (e: TransactionProgress) => void): Promise<ProposalStepReturnType>
  execute(modelId: number, proposalId: number, onProgress: (e: TransactionProgress) => void): Promise<ProposalStepReturnType>
  /** True when a relayer was given, so votes by signature are possible. */
  readonly canRelay: boolean
  /** Whether the account can pay gas (votes default to by-signature when it cannot and a relayer is set). */
  hasGas(): Promise<boolean>
}

export type TuiClientOptions = {
  /** Only this model's proposals. */
  modelId?: number | undefined
  /** Every model's proposals, not only the account's. */
  all?: boolean | undefined
  /** Sends votes by signature (the account signs, the relayer pays the gas). */
  relayer?: ModeldaoContext | undefined
}

/** The TUI's data and actions over a context. */
export function createTuiClient(ctx: ModeldaoContext, options: TuiClientOptions = {}): TuiClient {
  return {
    canRelay: options.relayer !== undefined,
    address: () => ctx.address().catch(() => undefined),
    async hasGas() {
      const [connection, account] = await Promise.all([ctx.chain(), ctx.address()])
      return (await connection.publicClient.getBalance({ address: account })) > 0n
    },
    async blockNumber() {
      const connection = await ctx.chain()
      return Number(await connection.publicClient.getBlockNumber({ cacheTime: 0 }))
    },
    async proposals() {
      const result = await listProposals(ctx, { modelId: options.modelId })
      if (options.modelId !== undefined || options.all) return result
      const account = await ctx.address().catch(() => undefined)
      if (!account) return result
      // listProposals synced the index a moment ago.
      const index = await ctx.index()
      // Models the account holds (or held) shares of, and those where others delegated votes to it.
      const mine = new Set(accountModelIds(index, account))
      const [connection, shares] = await Promise.all([ctx.chain(), ctx.contract('ModelShares')])
      const others = [...new Set(result.proposals.map((p) => p.modelId))].filter((id) => !mine.has(id))
      const votes = await Promise.all(others.map((id) => connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'getVotes', args: [BigInt(id), account] })))
      others.forEach((id, i) => votes[i]! > 0n && mine.add(id))
      return { block: result.block, proposals: result.proposals.filter((p) => mine.has(p.modelId)) }
    },
    proposal: (modelId, proposalId) => getProposal(ctx, { modelId, proposalId }),
    vote: (modelId, proposalId, support, reason, bySignature, onProgress) =>
      castVote(ctx, { modelId, proposalId, support, reason: reason || undefined, relayer: bySignature ? options.relayer : undefined, onProgress }),
    delegate: (modelId, to, onProgress) => delegateVotes(ctx, { modelId, to: to || undefined, onProgress }),
    stake: (modelId, proposalId, side, amount, onProgress) => stakeOnVersion(ctx, { modelId, proposalId, side, amount, onProgress }),
    queue: (modelId, proposalId, onProgress) => queueProposal(ctx, { modelId, proposalId, onProgress }),
    execute: (modelId, proposalId, onProgress) => executeProposal(ctx, { modelId, proposalId, onProgress }),
  }
}
