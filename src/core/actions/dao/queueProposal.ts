import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { proposalStep, type ProposalStepParams, type ProposalStepReturnType } from '../../governance/lifecycle.js'

export type QueueProposalParams = ProposalStepParams
export type QueueProposalReturnType = ProposalStepReturnType
/** PROPOSAL_UNKNOWN, PROPOSAL_STATE, REVERT_*. */
export type QueueProposalErrorType = ModeldaoError

/**
 * Queues a passed proposal in the model's timelock; it can be executed after the timelock delay.
 * @example await queueProposal(md, { proposalId: 7, modelId: 1 })
 */
export function queueProposal(ctx: ModeldaoContext, params: QueueProposalParams): Promise<QueueProposalReturnType> {
  return proposalStep(ctx, 'queue', params)
}
