import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { parseTokenAmount, readToken } from '../../shares/market.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type RegisterValidatorParams = {
  /** Decimal amount of the payment token to stake; default the minimum. */
  stake?: string | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type RegisterValidatorReturnType = { validator: Address; stake: string; transactionHash: Hash }
/** AMOUNT_INVALID, TOKEN_BALANCE_INSUFFICIENT, REVERT_RECEIPT_CHALLENGES_STAKE_TOO_LOW, …_ALREADY_VALIDATOR. */
export type RegisterValidatorErrorType = ModeldaoError

/**
 * Registers the account as a validator with a stake in the payment token: it may then vote on challenges filed
 * after this block (not on its own).
 * @example await registerValidator(md, { stake: '10' })
 */
export async function registerValidator(ctx: ModeldaoContext, params: RegisterValidatorParams = {}): Promise<RegisterValidatorReturnType> {
  const [connection, challenges, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges'), ctx.deployments(), ctx.signer()])
  const token = await readToken(connection, deployments.paymentToken)
  const minimum = await connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'minValidatorStake' })
  const stake = params.stake === undefined ? minimum : parseTokenAmount(params.stake, token.decimals, '--stake')
  await ensureAllowance(connection, account, { token, spender: challenges.address, amount: stake, onProgress: params.onProgress })
  const { hash } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'registerValidator', args: [stake], onProgress: params.onProgress })
  return { validator: account.address, stake: stake.toString(), transactionHash: hash }
}
