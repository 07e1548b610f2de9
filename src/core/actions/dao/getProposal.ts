import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { describeActions, proposalActions, proposalKind, type DecodedAction, type ProposalKind } from '../../governance/actions.js'
import { findProposal, requireDao, type ProposalRef } from '../../governance/dao.js'
import { readProposalStatus, timeLeft, type ProposalStatus } from '../../governance/status.js'
import { indexedRounds, indexedVotes, type IndexedProposal, type IndexedRound, type IndexedVote } from '../../index/governanceQueries.js'
import { syncedIndex } from '../index/syncIndex.js'

export type GetProposalParams = ProposalRef & {
  /** Whose voting power and vote to show; default the context's account, if any. */
  account?: Address | undefined
}
export type ProposalView = IndexedProposal & {
  kind: ProposalKind
  actions: DecodedAction[]
  status: ProposalStatus
  /** "voting ends at block N (K blocks left)" and the like. */
  timeLeft: string
  votes: IndexedVote[]
  /** Version proposals: the quality-staking pool. */
  round?: IndexedRound | undefined
  paymentToken: TokenInfo
}
/** PROPOSAL_UNKNOWN, MODEL_UNKNOWN, DAO_MISSING, chain errors. */
export type GetProposalErrorType = ModeldaoError

/**
 * One proposal: its description and actions in words, tallies, quorum and super-quorum progress, time left, the
 * account's voting power and vote, the votes cast and (version proposals) the staking pool. History from the local
 * index, live state from the governor.
 * @example const p = await getProposal(md, { proposalId: 7, modelId: 1 })
 */
export async function getProposal(ctx: ModeldaoContext, params: GetProposalParams): Promise<ProposalView> {
  const { index } = await syncedIndex(ctx)
  const proposal = await findProposal(ctx, index, params)
  const [dao, connection, deployments] = await Promise.all([requireDao(ctx, proposal.modelId), ctx.chain(), ctx.deployments()])
  const account = params.account ?? (await ctx.address().catch(() => undefined))
  const [status, paymentToken] = await Promise.all([readProposalStatus(ctx, dao, proposal, account), readToken(connection, deployments.paymentToken)])
  const actions = describeActions(
    proposalActions(proposal),
    dao.addresses,
    paymentToken,
  )
  return {
    ...proposal,
    kind: proposalKind(actions),
    actions,
    status,
    timeLeft: timeLeft(proposal, status),
    votes: indexedVotes(index, proposal.modelId, proposal.proposalId),
    round: indexedRounds(index, { modelId: proposal.modelId, proposalId: proposal.proposalId })[0],
    paymentToken,
  }
}
