import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { resolveRecipient } from '../../wallet/recipient.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { requireModel } from '../shares/requireModel.js'

export type DelegateVotesParams = {
  modelId: number | string
  /** An address or keystore name; default the account itself (votes with its own shares again). */
  to?: string | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type DelegateVotesReturnType = { modelId: number; account: Address; delegatee: Address; previous: Address; votes: string; transactionHash: Hash }
/** MODEL_UNKNOWN, ADDRESS_INVALID, REVERT_*. */
export type DelegateVotesErrorType = ModeldaoError

/**
 * Delegates the account's votes in one model to another account (or back to itself). Votes are per model: shares of
 * other models are unaffected. Proposals whose snapshot has passed keep the votes as they were.
 * @example await delegateVotes(md, { modelId: 1, to: 'alice' })
 */
export async function delegateVotes(ctx: ModeldaoContext, params: DelegateVotesParams): Promise<DelegateVotesReturnType> {
  const modelId = await requireModel(ctx, params.modelId)
  const [connection, shares, account] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.signer()])
  const delegatee = params.to === undefined ? account.address : await resolveRecipient(ctx.home.keystores, 'The delegate', params.to)
  const id = BigInt(modelId)
  const previous = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'delegates', args: [id, account.address] })
  const { hash } = await writeProtocol(ctx, { contract: 'ModelShares', functionName: 'delegate', args: [id, delegatee], onProgress: params.onProgress })
  const votes = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'getVotes', args: [id, delegatee] })
  return { modelId, account: account.address, delegatee, previous, votes: votes.toString(), transactionHash: hash }
}
