import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { proposalStep, type ProposalStepParams, type ProposalStepReturnType } from '../../governance/lifecycle.js'

export type CancelProposalParams = ProposalStepParams
export type CancelProposalReturnType = ProposalStepReturnType
/** PROPOSAL_UNKNOWN, PROPOSAL_STATE, REVERT_*. */
export type CancelProposalErrorType = ModeldaoError

/**
 * Cancels a proposal: its proposer while it is pending, the DAO's proposal guardian at any time before execution.
 * @example await cancelProposal(md, { proposalId: 7, modelId: 1 })
 */
export function cancelProposal(ctx: ModeldaoContext, params: CancelProposalParams): Promise<CancelProposalReturnType> {
  return proposalStep(ctx, 'cancel', params)
}
