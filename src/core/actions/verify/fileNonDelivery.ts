import type { Address, Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import type { FaultEvidence } from '../../client/faults.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { readToken } from '../../shares/market.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type FileNonDeliveryParams = {
  /** What `chat` kept when a paid answer came without its receipt (`<home>/client/faults/…-withheld.json`). */
  evidence: FaultEvidence
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type FileNonDeliveryReturnType = {
  challengeId: Hex
  operator: Address
  modelId: string
  bond: string
  /** Until when (unix seconds) the operator may deliver the receipt; after it, `validator resolve` slashes it. */
  deadline: string
  transactionHash: Hash
}
/** NON_DELIVERY_UNPROVABLE, TOKEN_BALANCE_INSUFFICIENT, REVERT_RECEIPT_CHALLENGES_* (not the payer, a voucher not signed by the channel's authorizer…). */
export type FileNonDeliveryErrorType = ModeldaoError

type ChannelPayment = { scheme: 'channel'; voucher: { channelId: Hex; modelId: string; cumulativeAmount: string; feeShareBps: number }; signature: Hex }

/**
 * Says on chain that a paid answer came without its receipt: posts the bond with the voucher this client signed for
 * the request. Objective: the operator must deliver the receipt bound to that voucher within the answer window (the
 * bond then goes to it), or anyone's `resolve` after the window slashes it. Only a channel payment can be proven this
 * way (its voucher names the operator's channel); the filer must be the voucher's channel payer.
 * @example const { challengeId, deadline } = await fileNonDelivery(md, { evidence: JSON.parse(await readFile(file, 'utf8')) })
 */
export async function fileNonDelivery(ctx: ModeldaoContext, params: FileNonDeliveryParams): Promise<FileNonDeliveryReturnType> {
  const { evidence } = params
  const payment = evidence.payment as Partial<ChannelPayment>
  if (evidence.kind !== 'withheld') {
    throw new ModeldaoError('NON_DELIVERY_UNPROVABLE', `This evidence is of a ${evidence.kind} receipt, not a withheld one: a receipt came.`, {
      hints: ['Dispute the receipt itself: `modeldao verify challenge <receipt file>`.'],
    })
  }
  if (payment.scheme !== 'channel' || !payment.voucher || !payment.signature) {
    throw new ModeldaoError('NON_DELIVERY_UNPROVABLE', 'The withheld answer was paid with an exact authorization, not a channel voucher: there is no voucher to prove the payment on chain.', {
      hints: ['Keep the evidence file; pay this operator through a channel (`chat --deposit`) to be able to prove non-delivery.'],
    })
  }
  const [connection, challenges, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges'), ctx.deployments(), ctx.signer()])
  if (connection.chainId !== evidence.chainId) {
    throw new ModeldaoError('NON_DELIVERY_UNPROVABLE', `The evidence is from chain ${evidence.chainId}, this is chain ${connection.chainId}.`, { hints: ['Pass --rpc-url of the chain the request was paid on.'] })
  }
  const [bond, answerWindow] = await Promise.all([
    connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'challengeBond' }),
    connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'answerWindow' }),
  ])
  await ensureAllowance(connection, account, { token: await readToken(connection, deployments.paymentToken), spender: challenges.address, amount: bond, onProgress: params.onProgress })
  const voucher = {
    channelId: payment.voucher.channelId,
    modelId: BigInt(payment.voucher.modelId),
    cumulativeAmount: BigInt(payment.voucher.cumulativeAmount),
    feeShareBps: payment.voucher.feeShareBps,
  }
  const { hash, events } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'challengeNonDelivery', args: [voucher, payment.signature], onProgress: params.onProgress })
  const filed = events.find((e) => e.eventName === 'NonDeliveryFiled')
  if (filed?.eventName !== 'NonDeliveryFiled') throw new Error(`ReceiptChallenges filed no non-delivery challenge (transaction ${hash})`)
  const block = await connection.publicClient.getBlock({ blockHash: (await connection.publicClient.getTransactionReceipt({ hash })).blockHash })
  return {
    challengeId: filed.args.challengeId!,
    operator: filed.args.operator!,
    modelId: voucher.modelId.toString(),
    bond: bond.toString(),
    deadline: (block.timestamp + BigInt(answerWindow)).toString(),
    transactionHash: hash,
  }
}
