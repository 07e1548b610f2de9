import type { Hash } from 'viem'
import { descriptionHash } from './actions.js'
import type { ModeldaoContext } from '../context/context.js'
import type { TransactionProgress } from '../chain/protocol/write.js'
import { writeProtocol } from '../actions/chain/writeProtocol.js'
import { syncedIndex } from '../actions/index/syncIndex.js'
import { findProposal, requireDao, type ProposalRef } from './dao.js'
import { ProposalStateError } from './errors.js'
import { readProposalStatus, type ProposalState } from './status.js'

export type ProposalStepParams = ProposalRef & { onProgress?: ((event: TransactionProgress) => void) | undefined }
export type ProposalStepReturnType = { modelId: number; proposalId: number; state: ProposalState; transactionHash: Hash; eta?: number | undefined }

/**
 * Queues, executes or cancels a proposal through its governor with the proposal's own actions (from the index),
 * after checking its state so that a wrong moment reads as a sentence ("queued; executable at …"), not a revert.
 */
export async function proposalStep(ctx: ModeldaoContext, step: 'queue' | 'execute' | 'cancel', params: ProposalStepParams): Promise<ProposalStepReturnType> {
  const { index } = await syncedIndex(ctx)
  const proposal = await findProposal(ctx, index, params)
  const dao = await requireDao(ctx, proposal.modelId)
  const status = await readProposalStatus(ctx, dao, proposal)
  const ref = `Proposal ${proposal.proposalId} of model ${proposal.modelId}`
  const where = 'See where it stands: `modeldao dao show`.'
  const { state } = status
  if (step === 'queue' && state !== 'succeeded') {
    if (state === 'active' || state === 'pending') throw new ProposalStateError(`${ref} is still being voted on: voting ends at block ${proposal.voteEnd}, now ${status.block}.`, 'Queue it once voting has ended (or the super quorum is reached).')
    if (state === 'defeated') throw new ProposalStateError(`${ref} was defeated (for ${status.votes.for}, against ${status.votes.against}, abstain ${status.votes.abstain}; quorum ${status.quorum ?? '?'}).`, 'A defeated proposal cannot be queued; propose again.')
    if (state === 'queued') throw new ProposalStateError(`${ref} is queued already; it can be executed from ${new Date((status.eta ?? 0) * 1000).toISOString()}.`, 'Execute it then: `modeldao dao execute`.')
    throw new ProposalStateError(`${ref} is ${state} and cannot be queued.`, where)
  }
  if (step === 'execute') {
    if (state === 'succeeded') throw new ProposalStateError(`${ref} passed but is not queued yet.`, 'Queue it first: `modeldao dao queue`; it runs after the timelock delay.')
    if (state !== 'queued') throw new ProposalStateError(`${ref} is ${state} and cannot be executed.`, where)
    if (status.eta !== undefined && status.time < status.eta) {
      throw new ProposalStateError(
        `${ref} is queued; it can be executed from ${new Date(status.eta * 1000).toISOString()} (in ${status.eta - status.time} s, chain time ${new Date(status.time * 1000).toISOString()}).`,
        'Wait for the timelock delay (on the local chain: `modeldao chain advance --time <duration>`).',
      )
    }
  }
  if (step === 'cancel' && (state === 'executed' || state === 'canceled' || state === 'expired' || state === 'defeated')) throw new ProposalStateError(`${ref} is ${state} and cannot be cancelled.`, where)

  const args = [proposal.targets, proposal.values.map(BigInt), proposal.calldatas, descriptionHash(proposal.description)] as const
  const { hash, events } = await writeProtocol(ctx, { contract: 'ModelGovernor', at: dao.governor, functionName: step, args, onProgress: params.onProgress })
  const queued = events.find((e) => e.eventName === 'ProposalQueued')
  const next: Record<typeof step, ProposalState> = { queue: 'queued', execute: 'executed', cancel: 'canceled' }
  return {
    modelId: proposal.modelId,
    proposalId: proposal.proposalId,
    state: next[step],
    transactionHash: hash,
    eta: queued?.eventName === 'ProposalQueued' ? Number(queued.args.etaSeconds) : undefined,
  }
}
