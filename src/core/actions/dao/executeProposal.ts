import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { proposalStep, type ProposalStepParams, type ProposalStepReturnType } from '../../governance/lifecycle.js'

export type ExecuteProposalParams = ProposalStepParams
export type ExecuteProposalReturnType = ProposalStepReturnType
/** PROPOSAL_UNKNOWN, PROPOSAL_STATE, REVERT_*. */
export type ExecuteProposalErrorType = ModeldaoError

/**
 * Executes a queued proposal once its timelock delay has passed: the timelock makes the proposal's calls.
 * @example await executeProposal(md, { proposalId: 7, modelId: 1 })
 */
export function executeProposal(ctx: ModeldaoContext, params: ExecuteProposalParams): Promise<ExecuteProposalReturnType> {
  return proposalStep(ctx, 'execute', params)
}
