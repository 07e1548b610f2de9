import type { Address, Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { readToken } from '../../shares/market.js'
import { receiptCommitment } from '../../receipts/codec.js'
import type { SignedReceipt } from '../../receipts/signedReceipt.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type FileChallengeParams = {
  evidence: SignedReceipt
  /** Where validators find the full receipt (e.g. an IPFS CID), at most 256 bytes. */
  evidenceRef?: string | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type FileChallengeReturnType = { challengeId: Hex; operator: Address; modelId: string; bond: string; transactionHash: Hash }
/** TOKEN_BALANCE_INSUFFICIENT, REVERT_RECEIPT_CHALLENGES_* (a forged or altered receipt, a voucher of another channel…). */
export type FileChallengeErrorType = ModeldaoError

/**
 * Challenges a node over a receipt that fails replay: posts the bond and the operator-signed receipt with the voucher
 * that paid for it. The contract checks the signature (chain, contract), the voucher binding and the operator's
 * stake, so a forged or altered receipt is refused. Validators then vote (or the model's DAO decides).
 * @example const { challengeId } = await fileChallenge(md, { evidence })
 */
export async function fileChallenge(ctx: ModeldaoContext, params: FileChallengeParams): Promise<FileChallengeReturnType> {
  const { evidence } = params
  const [connection, challenges, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges'), ctx.deployments(), ctx.signer()])
  const bond = await connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'challengeBond' })
  await ensureAllowance(connection, account, { token: await readToken(connection, deployments.paymentToken), spender: challenges.address, amount: bond, onProgress: params.onProgress })
  const channels = await ctx.contract('PaymentChannels')
  const voucher = { channelId: evidence.voucher.channelId, modelId: BigInt(evidence.voucher.modelId), cumulativeAmount: BigInt(evidence.voucher.cumulativeAmount), feeShareBps: evidence.voucher.feeShareBps }
  const payment = await connection.publicClient.readContract({ address: channels.address, abi: channels.abi, functionName: 'hashVoucher', args: [voucher] })
  const receipt = { ...receiptCommitment(evidence.draft), payment, cost: BigInt(evidence.cost) }
  const { hash, events } = await writeProtocol(ctx, {
    contract: 'ReceiptChallenges',
    functionName: 'challenge',
    args: [evidence.operator, receipt, evidence.signature, voucher, params.evidenceRef ?? ''],
    onProgress: params.onProgress,
  })
  const filed = events.find((e) => e.eventName === 'ChallengeFiled')
  if (filed?.eventName !== 'ChallengeFiled') throw new Error(`ReceiptChallenges filed no challenge (transaction ${hash})`)
  return { challengeId: filed.args.challengeId, operator: evidence.operator, modelId: receipt.modelId.toString(), bond: bond.toString(), transactionHash: hash }
}
