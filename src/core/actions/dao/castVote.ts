import type { Address, Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { walletClientFor } from '../../chain/rpc/connection.js'
import { findProposal, requireDao, type ProposalRef } from '../../governance/dao.js'
import { AlreadyVotedError, NoVotingPowerError, ProposalInvalidError, ProposalStateError } from '../../governance/errors.js'
import { readProposalStatus } from '../../governance/status.js'
import { indexedVotes } from '../../index/governanceQueries.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { syncedIndex } from '../index/syncIndex.js'

export type VoteSupport = 'for' | 'against' | 'abstain'
/** Governor's simple counting: 0 against, 1 for, 2 abstain. */
export const SUPPORT_CODES: Record<VoteSupport, 0 | 1 | 2> = { against: 0, for: 1, abstain: 2 }
export const SUPPORT_NAMES = ['against', 'for', 'abstain'] as const

export type CastVoteParams = ProposalRef & {
  support: VoteSupport
  reason?: string | undefined
  /**
   * Vote by signature: the context's account signs the ballot (EIP-712, bound to the chain, the governor and the
   * voter's nonce) and `relayer` (a context whose account pays the gas) sends it.
   */
  relayer?: ModeldaoContext | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type CastVoteReturnType = {
  modelId: number
  proposalId: number
  voter: Address
  support: VoteSupport
  /** The voter's votes at the snapshot: what the vote counted. */
  weight: string
  reason: string
  transactionHash: Hash
  relayedBy?: Address | undefined
}
/** PROPOSAL_UNKNOWN, PROPOSAL_STATE (not active), ALREADY_VOTED, NO_VOTING_POWER, REVERT_*. */
export type CastVoteErrorType = ModeldaoError

/**
 * Votes for, against or abstain on a proposal with the account's votes at its snapshot, checking first that voting
 * is open, the account has not voted and has votes (each a clear error instead of a revert).
 * @example await castVote(md, { proposalId: 7, modelId: 1, support: 'for', reason: 'Good data' })
 */
export async function castVote(ctx: ModeldaoContext, params: CastVoteParams): Promise<CastVoteReturnType> {
  const support = SUPPORT_CODES[params.support]
  if (support === undefined) throw new ProposalInvalidError(`"${String(params.support)}" is not a vote.`, 'Vote for, against or abstain.')
  const { index } = await syncedIndex(ctx)
  const proposal = await findProposal(ctx, index, params)
  const [dao, account] = await Promise.all([requireDao(ctx, proposal.modelId), ctx.signer()])
  const status = await readProposalStatus(ctx, dao, proposal, account.address)
  const ref = `${proposal.proposalId} of model ${proposal.modelId}`
  if (status.state === 'pending') {
    throw new ProposalStateError(
      `Voting on proposal ${ref} has not started: it starts after block ${proposal.voteStart}, now ${status.block}.`,
      `Vote in ${proposal.voteStart - status.block + 1} blocks (on the local chain: \`modeldao chain mine --blocks ${proposal.voteStart - status.block + 1}\`).`,
    )
  }
  if (status.state !== 'active') {
    // A super quorum ends the vote before its last block: say so rather than name a block still to come.
    const when = status.state === 'canceled' ? 'it was canceled' : status.block < proposal.voteEnd ? 'early: the votes for reached the super quorum' : `it ended at block ${proposal.voteEnd}`
    throw new ProposalStateError(`Voting on proposal ${ref} is over (${when}); the proposal is ${status.state}.`, 'See where it stands: `modeldao dao show`.')
  }
  if (status.account?.hasVoted) {
    const cast = indexedVotes(index, proposal.modelId, proposal.proposalId).find((v) => v.voter.toLowerCase() === account.address.toLowerCase())
    throw new AlreadyVotedError(ref, account.address, cast ? SUPPORT_NAMES[cast.support] : 'its vote is being indexed')
  }
  if (!status.account || BigInt(status.account.votingPower) === 0n) throw new NoVotingPowerError(ref, account.address, proposal.voteStart)

  const reason = params.reason ?? ''
  const id = BigInt(proposal.proposalId)
  const result = { modelId: proposal.modelId, proposalId: proposal.proposalId, voter: account.address, support: params.support, weight: status.account.votingPower, reason }
  if (!params.relayer) {
    const { hash } = reason
      ? await writeProtocol(ctx, { contract: 'ModelGovernor', at: dao.governor, functionName: 'castVoteWithReason', args: [id, support, reason], onProgress: params.onProgress })
      : await writeProtocol(ctx, { contract: 'ModelGovernor', at: dao.governor, functionName: 'castVote', args: [id, support], onProgress: params.onProgress })
    return { ...result, transactionHash: hash }
  }

  // By signature: the ballot binds chain id and governor (EIP-712 domain) and the voter's nonce.
  const connection = await ctx.chain()
  const client = connection.publicClient
  const governor = await ctx.contract('ModelGovernor')
  const at = { address: dao.governor, abi: governor.abi } as const
  const [[, name, version, chainId, verifyingContract], nonce] = await Promise.all([
    client.readContract({ ...at, functionName: 'eip712Domain' }),
    client.readContract({ ...at, functionName: 'nonces', args: [account.address] }),
  ])
  const domain = { name, version, chainId, verifyingContract }
  const wallet = walletClientFor(connection, account)
  let signature: Hex
  if (reason) {
    signature = await wallet.signTypedData({
      account,
      domain,
      primaryType: 'ExtendedBallot',
      types: { ExtendedBallot: [{ name: 'proposalId', type: 'uint256' }, { name: 'support', type: 'uint8' }, { name: 'voter', type: 'address' }, { name: 'nonce', type: 'uint256' }, { name: 'reason', type: 'string' }, { name: 'params', type: 'bytes' }] },
      message: { proposalId: id, support, voter: account.address, nonce, reason, params: '0x' },
    })
  } else {
    signature = await wallet.signTypedData({
      account,
      domain,
      primaryType: 'Ballot',
      types: { Ballot: [{ name: 'proposalId', type: 'uint256' }, { name: 'support', type: 'uint8' }, { name: 'voter', type: 'address' }, { name: 'nonce', type: 'uint256' }] },
      message: { proposalId: id, support, voter: account.address, nonce },
    })
  }
  const relayer = params.relayer
  const { hash } = reason
    ? await writeProtocol(relayer, { contract: 'ModelGovernor', at: dao.governor, functionName: 'castVoteWithReasonAndParamsBySig', args: [id, support, account.address, reason, '0x', signature], onProgress: params.onProgress })
    : await writeProtocol(relayer, { contract: 'ModelGovernor', at: dao.governor, functionName: 'castVoteBySig', args: [id, support, account.address, signature], onProgress: params.onProgress })
  return { ...result, transactionHash: hash, relayedBy: (await relayer.signer()).address }
}
