import type { Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type ChallengeStatus = 'none' | 'open' | 'upheld' | 'rejected'
/** ReceiptChallenges' Status enum, in order. */
export const CHALLENGE_STATUS: readonly ChallengeStatus[] = ['none', 'open', 'upheld', 'rejected']

export type SettleChallengeParams = {
  challengeId: Hex
  /** Vote (as a validator): true, the receipt shows a cheat; false, the node served honestly. Without it: resolve. */
  cheat?: boolean | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type SettleChallengeReturnType = {
  challengeId: Hex
  status: ChallengeStatus
  cheatVotes: number
  honestVotes: number
  /** When this transaction resolved it: what was slashed and where it went (base units). */
  resolution?: { slashed: string; toChallenger: string; toOperator: string; toPayer: string; burned: string } | undefined
  transactionHash: Hash
}
/** REVERT_RECEIPT_CHALLENGES_* (voting not started or closed, not a validator, already voted, not open…). */
export type SettleChallengeErrorType = ModeldaoError

/**
 * Votes on a challenge as a validator (`cheat` given), or resolves one whose voting ended without a quorum. The vote
 * that reaches the quorum resolves it: a proven cheat is slashed (part to the challenger, part to the harmed payer,
 * the rest burned: nothing to those who decide); a failed challenge loses its bond to the operator.
 * @example await settleChallenge(md, { challengeId, cheat: true })
 */
export async function settleChallenge(ctx: ModeldaoContext, params: SettleChallengeParams): Promise<SettleChallengeReturnType> {
  const [connection, challenges] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges')])
  const { hash, events } =
    params.cheat === undefined
      ? await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'resolve', args: [params.challengeId], onProgress: params.onProgress })
      : await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'vote', args: [params.challengeId, params.cheat], onProgress: params.onProgress })
  const state = await connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'challengeOf', args: [params.challengeId] })
  const resolved = events.find((e) => e.eventName === 'ChallengeResolved')
  return {
    challengeId: params.challengeId,
    status: CHALLENGE_STATUS[state.status]!,
    cheatVotes: state.cheatVotes,
    honestVotes: state.honestVotes,
    resolution:
      resolved?.eventName === 'ChallengeResolved'
        ? {
            slashed: resolved.args.slashed.toString(),
            toChallenger: resolved.args.toChallenger.toString(),
            toOperator: resolved.args.toOperator.toString(),
            toPayer: resolved.args.toPayer.toString(),
            burned: resolved.args.burned.toString(),
          }
        : undefined,
    transactionHash: hash,
  }
}
