import type { Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { BallotBook } from '../../disputes/ballotBook.js'
import { readChallenge, type ChallengeView } from '../../disputes/read.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type VoteOnChallengeParams = {
  challengeId: Hex
  /** The verdict: true, the receipt shows a cheat; false, honest. Needed to commit; checked against the saved vote to reveal. */
  cheat?: boolean | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type VoteOnChallengeReturnType = {
  challengeId: Hex
  /** What this call did: committed the vote (hidden), or revealed the vote committed earlier. */
  action: 'committed' | 'revealed'
  round: number
  cheat: boolean
  /** The stake the vote weighs, and what it escrows until the outcome (lost if not on it). */
  weight: string
  risk: string
  /** The challenge after the vote. */
  challenge: ChallengeView
  transactionHash: Hash
}
/** BALLOT_VERDICT_REQUIRED, BALLOT_ALREADY_COMMITTED, BALLOT_NOT_FOUND, BALLOT_VERDICT_CHANGED, REVERT_RECEIPT_CHALLENGES_* (wrong phase, not a validator, a party…). */
export type VoteOnChallengeErrorType = ModeldaoError

/**
 * A validator's vote on a receipt challenge, in two steps from the same home: in the commit phase it commits the
 * verdict hidden under a random salt (saved in the home before the transaction is sent, readable only by the owner);
 * in the reveal phase the same call reveals it. A vote weighs the validator's stake and escrows a share of it, paid
 * back with a share of the others' when it is on the final outcome and lost otherwise (or when never revealed).
 * @example await voteOnChallenge(md, { challengeId, cheat: true }) // commit; later, in the reveal phase:
 * await voteOnChallenge(md, { challengeId })
 */
export async function voteOnChallenge(ctx: ModeldaoContext, params: VoteOnChallengeParams): Promise<VoteOnChallengeReturnType> {
  const [connection, rc, validator] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges'), ctx.address()])
  const before = await readChallenge(ctx, params.challengeId, validator)
  const key = { chainId: connection.chainId, contract: rc.address, challengeId: params.challengeId, round: before.round, validator }
  const book = new BallotBook(ctx.home.validator)
  if (before.phase === 'reveal') {
    const saved = await book.find(key)
    if (!saved) {
      throw new ModeldaoError('BALLOT_NOT_FOUND', `This home holds no vote committed by ${validator} on challenge ${params.challengeId}, round ${before.round}.`, {
        hints: ['Reveal from the home (MODELDAO_HOME) that committed the vote: it keeps the salt. A vote never revealed is lost to those who voted the outcome.'],
      })
    }
    if (params.cheat !== undefined && params.cheat !== saved.cheat) {
      throw new ModeldaoError('BALLOT_VERDICT_CHANGED', `This home committed "${saved.cheat ? 'cheat' : 'honest'}" on challenge ${params.challengeId}; a reveal opens that commitment, it cannot change it.`, {
        hints: ['Run `validator vote <challenge id>` without a verdict to reveal what was committed.'],
      })
    }
    const { hash } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'revealVote', args: [params.challengeId, saved.cheat, saved.salt], onProgress: params.onProgress })
    const challenge = await readChallenge(ctx, params.challengeId, validator)
    const ballot = challenge.ballots?.find((b) => b.round === before.round)
    return { challengeId: params.challengeId, action: 'revealed', round: before.round, cheat: saved.cheat, weight: ballot?.weight ?? '0', risk: ballot?.risk ?? '0', challenge, transactionHash: hash }
  }
  if (params.cheat === undefined && before.phase === 'commit') {
    throw new ModeldaoError('BALLOT_VERDICT_REQUIRED', `Challenge ${params.challengeId} is in its commit phase: say your verdict, cheat or honest.`, {
      hints: ['Replay the receipt first (`modeldao verify receipt`), then `modeldao validator vote <challenge id> cheat|honest`.'],
    })
  }
  // Never a second salt over a vote already on chain: the saved one is the only way to reveal it.
  if (before.phase === 'commit' && before.ballots?.some((b) => b.round === before.round)) {
    throw new ModeldaoError('BALLOT_ALREADY_COMMITTED', `${validator} committed a vote on challenge ${params.challengeId} in round ${before.round} already.`, {
      hints: [`Reveal it in the reveal phase${before.until ? ` (from ${before.until})` : ''}: \`modeldao validator vote ${params.challengeId}\` from this home.`],
    })
  }
  // Any other phase: the contract says which it is and until when (REVERT_RECEIPT_CHALLENGES_WRONG_PHASE).
  const ballot = await book.prepare(key, params.cheat ?? false)
  const { hash } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'commitVote', args: [params.challengeId, ballot.commitment], onProgress: params.onProgress })
  await book.save({ ...ballot, transactionHash: hash })
  const challenge = await readChallenge(ctx, params.challengeId, validator)
  const committed = challenge.ballots?.find((b) => b.round === before.round)
  return { challengeId: params.challengeId, action: 'committed', round: before.round, cheat: ballot.cheat, weight: committed?.weight ?? '0', risk: committed?.risk ?? '0', challenge, transactionHash: hash }
}
