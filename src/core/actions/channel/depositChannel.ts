import type { Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { readToken } from '../../shares/market.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type DepositChannelParams = { channelId: Hex; amount: bigint }
export type DepositChannelReturnType = { channelId: Hex; amount: string; transactions: Hash[] }
/** TOKEN_BALANCE_INSUFFICIENT, REVERT_CHANNEL_UNKNOWN, REVERT_CHANNEL_ZERO_AMOUNT, signer and chain errors. */
export type DepositChannelErrorType = ModeldaoError

/**
 * Adds to a payment channel's balance (anyone may top up any channel; approving the exact amount).
 * @example await depositChannel(md, { channelId, amount: 5_000_000n })
 */
export async function depositChannel(ctx: ModeldaoContext, params: DepositChannelParams): Promise<DepositChannelReturnType> {
  const transactions: Hash[] = []
  const approval = await approveChannels(ctx, params.amount)
  if (approval) transactions.push(approval)
  const { hash } = await writeProtocol(ctx, { contract: 'PaymentChannels', functionName: 'deposit', args: [params.channelId, params.amount] })
  transactions.push(hash)
  return { channelId: params.channelId, amount: params.amount.toString(), transactions }
}

/**
 * Lets PaymentChannels pull `amount` of the payment token from the signer for a deposit (checks the balance; approves
 * exactly what is missing). @returns the approval transaction, when one was needed.
 */
export async function approveChannels(ctx: ModeldaoContext, amount: bigint): Promise<Hash | undefined> {
  const [connection, account, deployments, channels] = await Promise.all([ctx.chain(), ctx.signer(), ctx.deployments(), ctx.contract('PaymentChannels')])
  return ensureAllowance(connection, account, { token: await readToken(connection, deployments.paymentToken), spender: channels.address, amount })
}
