import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { parseTokenAmount, readToken, type TokenInfo } from '../../shares/market.js'
import { describeActions, descriptionHash, proposalActions, proposalKind } from '../../governance/actions.js'
import { findProposal, requireDao, type ProposalRef } from '../../governance/dao.js'
import { NotAVersionProposalError, ProposalStateError } from '../../governance/errors.js'
import { readProposalStatus } from '../../governance/status.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { syncedIndex } from '../index/syncIndex.js'

export type StakeOnVersionParams = ProposalRef & {
  /** For: the candidate version is good (wins if the proposal is executed). */
  side: 'for' | 'against'
  /** Decimal amount of the payment token, e.g. "25.5". */
  amount: string
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type StakeOnVersionReturnType = {
  modelId: number
  proposalId: number
  staker: Address
  side: 'for' | 'against'
  amount: string
  /** The pool after this stake, base units. */
  totalFor: string
  totalAgainst: string
  transactionHash: Hash
  paymentToken: TokenInfo
}
/** PROPOSAL_UNKNOWN, NOT_A_VERSION_PROPOSAL, PROPOSAL_STATE (vote already open), AMOUNT_INVALID, TOKEN_BALANCE_INSUFFICIENT, REVERT_*. */
export type StakeOnVersionErrorType = ModeldaoError

/**
 * Stakes the payment token for or against the weights version a proposal promotes, before its vote opens. Opens
 * the proposal's staking round first if nobody has. Approves exactly the amount. Stakes never change votes.
 * @example await stakeOnVersion(md, { proposalId: 3, modelId: 1, side: 'for', amount: '50' })
 */
export async function stakeOnVersion(ctx: ModeldaoContext, params: StakeOnVersionParams): Promise<StakeOnVersionReturnType> {
  const { index } = await syncedIndex(ctx)
  const proposal = await findProposal(ctx, index, params)
  const [dao, connection, deployments, staking, account] = await Promise.all([requireDao(ctx, proposal.modelId), ctx.chain(), ctx.deployments(), ctx.contract('QualityStaking'), ctx.signer()])
  const token = await readToken(connection, deployments.paymentToken)
  const ref = `${proposal.proposalId} of model ${proposal.modelId}`
  if (proposalKind(describeActions(proposalActions(proposal), dao.addresses, token)) !== 'version') throw new NotAVersionProposalError(ref)
  const amount = parseTokenAmount(params.amount, token.decimals, '--amount')
  const status = await readProposalStatus(ctx, dao, proposal)
  // Stakes close when the vote opens (after the snapshot block): nobody bets against a public tally.
  if (status.state !== 'pending') throw new ProposalStateError(`Stakes on proposal ${ref} closed when its vote opened, after block ${proposal.voteStart}; it is ${status.state}.`, 'Stake on a version proposal before its vote opens; claim what a resolved round owes you: `modeldao stake claim`.')

  const id = BigInt(proposal.modelId)
  const pid = BigInt(proposal.proposalId)
  const client = connection.publicClient
  const round = await client.readContract({ address: staking.address, abi: staking.abi, functionName: 'roundOf', args: [id, pid] })
  if (round.expiresAt === 0) {
    await writeProtocol(ctx, {
      contract: 'QualityStaking',
      functionName: 'openRound',
      args: [id, pid, proposal.targets, proposal.values.map(BigInt), proposal.calldatas, descriptionHash(proposal.description)],
      onProgress: params.onProgress,
    })
  }
  await ensureAllowance(connection, account, { token, spender: staking.address, amount, onProgress: params.onProgress })
  const { hash } = await writeProtocol(ctx, { contract: 'QualityStaking', functionName: 'stake', args: [id, pid, params.side === 'for', amount], onProgress: params.onProgress })
  const after = await client.readContract({ address: staking.address, abi: staking.abi, functionName: 'roundOf', args: [id, pid] })
  return {
    modelId: proposal.modelId,
    proposalId: proposal.proposalId,
    staker: account.address,
    side: params.side,
    amount: amount.toString(),
    totalFor: after.totalFor.toString(),
    totalAgainst: after.totalAgainst.toString(),
    transactionHash: hash,
    paymentToken: token,
  }
}
