import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { SharesInsufficientError } from '../../shares/errors.js'
import { parseShareAmount } from '../../shares/market.js'
import { resolveRecipient } from '../../wallet/recipient.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { requireModel } from './requireModel.js'

export type TransferSharesParams = {
  modelId: number | string
  /** An address, or the name of a keystore in this home. */
  to: string
  amount: string | number | bigint
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type TransferSharesReturnType = { modelId: number; from: Address; to: Address; amount: string; transactionHash: Hash }
/** SHARE_AMOUNT_INVALID, MODEL_UNKNOWN, ADDRESS_INVALID, SHARES_INSUFFICIENT, REVERT_* (a receiver contract refused). */
export type TransferSharesErrorType = ModeldaoError

/**
 * Sends shares to another account. Fees already earned stay with the sender (claim them any time); fees paid in
 * after the transfer go to the receiver.
 * @example await transferShares(md, { modelId: 1, to: 'bob', amount: 10 })
 */
export async function transferShares(ctx: ModeldaoContext, params: TransferSharesParams): Promise<TransferSharesReturnType> {
  const amount = parseShareAmount(params.amount)
  const to = await resolveRecipient(ctx.home.keystores, 'The receiver', params.to)
  const [connection, shares, account] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.signer()])
  const modelId = await requireModel(ctx, params.modelId)
  const held = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'balanceOf', args: [account.address, BigInt(modelId)] })
  if (held < amount) throw new SharesInsufficientError({ modelId, account: account.address, requested: amount, held })
  const { hash } = await writeProtocol(ctx, {
    contract: 'ModelShares',
    functionName: 'safeTransferFrom',
    args: [account.address, to, BigInt(modelId), amount, '0x'],
    onProgress: params.onProgress,
  })
  return { modelId, from: account.address, to, amount: amount.toString(), transactionHash: hash }
}
