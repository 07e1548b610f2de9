import { keccak256, stringToHex, type Hash, type Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type AnswerChallengeParams = {
  challengeId: Hex
  /** The operator's answer (e.g. the CID of its own replay, or a statement): its keccak256 goes on chain. */
  answer: string
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type AnswerChallengeReturnType = { challengeId: Hex; answerHash: Hex; transactionHash: Hash }
/** REVERT_RECEIPT_CHALLENGES_NOT_OPERATOR, …_ANSWER_CLOSED, …_NOT_OPEN. */
export type AnswerChallengeErrorType = ModeldaoError

/**
 * The operator's answer to a challenge of one of its receipts, within the answer window, once: a commitment to its
 * evidence, for validators to weigh before their commit window closes (votes open at filing, whatever it does).
 * @example await answerChallenge(md, { challengeId, answer: 'bafkrei…my-replay' })
 */
export async function answerChallenge(ctx: ModeldaoContext, params: AnswerChallengeParams): Promise<AnswerChallengeReturnType> {
  const answerHash = keccak256(stringToHex(params.answer))
  const { hash } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'answer', args: [params.challengeId, answerHash], onProgress: params.onProgress })
  return { challengeId: params.challengeId, answerHash, transactionHash: hash }
}
