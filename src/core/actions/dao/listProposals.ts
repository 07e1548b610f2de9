import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { protocolArtifacts } from '../../chain/protocol/registry.js'
import { proposalStateNames } from '../../chain/protocol/revertMessages.js'
import { indexedDaos, indexedProposals, type IndexedProposal } from '../../index/governanceQueries.js'
import { ProposalInvalidError } from '../../governance/errors.js'
import type { ProposalState } from '../../governance/status.js'
import { requireModel } from '../shares/requireModel.js'
import { syncedIndex } from '../index/syncIndex.js'

export type ListProposalsParams = {
  modelId?: number | string | undefined
  /** Only proposals in these states. */
  states?: readonly string[] | undefined
}
export type ProposalSummary = Omit<IndexedProposal, 'description' | 'targets' | 'values' | 'calldatas'> & {
  state: ProposalState
  /** Votes needed (for + abstain) and "for" votes that pass early; known once the snapshot block is past. */
  quorum?: string | undefined
  superQuorum?: string | undefined
}
export type ListProposalsReturnType = { block: number; proposals: ProposalSummary[] }
/** MODEL_UNKNOWN, PROPOSAL_INVALID (unknown state name), chain errors. */
export type ListProposalsErrorType = ModeldaoError

/** Active first, then pending, succeeded, queued; finished ones last. */
const ORDER: Record<ProposalState, number> = { active: 0, pending: 1, succeeded: 2, queued: 3, executed: 4, defeated: 5, expired: 6, canceled: 7 }

/**
 * The proposals of every model DAO (or one), from the local index, with their state read from each governor
 * (proposals that ended in the index — executed or cancelled — are not read again). Active first.
 * @example const { proposals } = await listProposals(md, { modelId: 1, states: ['active'] })
 */
export async function listProposals(ctx: ModeldaoContext, params: ListProposalsParams = {}): Promise<ListProposalsReturnType> {
  for (const state of params.states ?? []) {
    if (!(proposalStateNames as readonly string[]).includes(state)) {
      throw new ProposalInvalidError(`"${state}" is not a proposal state.`, `Use one of: ${proposalStateNames.join(', ')}.`)
    }
  }
  const modelId = params.modelId === undefined ? undefined : await requireModel(ctx, params.modelId)
  const [{ index, sync }, connection] = await Promise.all([syncedIndex(ctx), ctx.chain()])
  const governors = new Map<number, Address>(indexedDaos(index).map((d) => [d.modelId, d.governor]))
  const proposals = indexedProposals(index, { modelId })
  const abi = protocolArtifacts.ModelGovernor.abi
  const at = BigInt(sync.toBlock)
  const live = await Promise.all(
    proposals.map(async (p): Promise<{ state: ProposalState; quorum?: string; superQuorum?: string }> => {
      if (p.executedBlock !== undefined) return { state: 'executed' }
      if (p.canceledBlock !== undefined) return { state: 'canceled' }
      const governor = { address: governors.get(p.modelId)!, abi, blockNumber: at } as const
      const snapshot = BigInt(p.voteStart)
      // Quorum and super quorum at the snapshot, once it is past (the votes' supply is only known then).
      const [state, quorum, superQuorum] = await Promise.all([
        connection.publicClient.readContract({ ...governor, functionName: 'state', args: [BigInt(p.proposalId)] }),
        snapshot < at ? connection.publicClient.readContract({ ...governor, functionName: 'quorum', args: [snapshot] }) : undefined,
        snapshot < at ? connection.publicClient.readContract({ ...governor, functionName: 'superQuorum', args: [snapshot] }) : undefined,
      ])
      return { state: proposalStateNames[state]!, ...(quorum === undefined ? {} : { quorum: quorum.toString() }), ...(superQuorum === undefined ? {} : { superQuorum: superQuorum.toString() }) }
    }),
  )
  const wanted = params.states?.length ? new Set(params.states) : undefined
  const list = proposals
    .map(({ description: _d, targets: _t, values: _v, calldatas: _c, ...rest }, i) => ({ ...rest, ...live[i]! }))
    .filter((p) => !wanted || wanted.has(p.state))
    .sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.modelId - b.modelId || b.proposalId - a.proposalId)
  return { block: sync.toBlock, proposals: list }
}
