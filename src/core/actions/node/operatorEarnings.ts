import { getAddress, type Address, type Hash } from 'viem'
import { protocolArtifacts } from '../../chain/protocol/generated/contracts.js'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type GetEarningsParams = { operator?: Address | undefined }
export type GetEarningsReturnType = {
  operator: Address
  /** Settled channel vouchers, less the holders' fee share (base units). */
  channels: string
  /** Exact payments booked by the operator's ExactReceiver, less the holders' fee share (base units). */
  exact: string
  exactReceiver: Address
  total: string
}
export type GetEarningsErrorType = ModeldaoError

/**
 * What an operator can withdraw: its PaymentChannels earnings (from settled vouchers) and its ExactReceiver's
 * (from exact payments). Vouchers the node holds but has not settled yet are not in it.
 * @example const { total } = await getEarnings(md) // the signer's
 */
export async function getEarnings(ctx: ModeldaoContext, params: GetEarningsParams = {}): Promise<GetEarningsReturnType> {
  const [connection, channels, exactPayments] = await Promise.all([ctx.chain(), ctx.contract('PaymentChannels'), ctx.contract('ExactPayments')])
  const operator = getAddress(params.operator ?? (await ctx.signer()).address)
  const read = connection.publicClient
  const [fromChannels, exactReceiver] = await Promise.all([
    read.readContract({ address: channels.address, abi: channels.abi, functionName: 'earnings', args: [operator] }),
    read.readContract({ address: exactPayments.address, abi: exactPayments.abi, functionName: 'receiverOf', args: [operator] }),
  ])
  // The receiver is created on the operator's first exact payment: before that, nothing was earned there.
  const created = ((await read.getCode({ address: exactReceiver })) ?? '0x') !== '0x'
  const fromExact = created ? await read.readContract({ address: exactReceiver, abi: protocolArtifacts.ExactReceiver.abi, functionName: 'earnings' }) : 0n
  return { operator, channels: fromChannels.toString(), exact: fromExact.toString(), exactReceiver, total: (fromChannels + fromExact).toString() }
}

export type WithdrawEarningsReturnType = { operator: Address; channels: string; exact: string; total: string; transactions: Hash[] }
/** NOTHING_TO_WITHDRAW, signer and chain errors. */
export type WithdrawEarningsErrorType = ModeldaoError

/**
 * Pays the signer's operator earnings out to it: from PaymentChannels and from its ExactReceiver, each only when
 * it holds something.
 * @example const { total } = await withdrawEarnings(md)
 */
export async function withdrawEarnings(ctx: ModeldaoContext): Promise<WithdrawEarningsReturnType> {
  const earned = await getEarnings(ctx)
  if (earned.total === '0') {
    throw new ModeldaoError('NOTHING_TO_WITHDRAW', `Operator ${earned.operator} has no earnings to withdraw.`, {
      hints: ['Earnings come from settled vouchers and exact payments: a running paid node settles every 10 minutes, and when a payer starts a withdrawal.'],
    })
  }
  const transactions: Hash[] = []
  if (earned.channels !== '0') transactions.push((await writeProtocol(ctx, { contract: 'PaymentChannels', functionName: 'withdrawEarnings', args: [] })).hash)
  if (earned.exact !== '0') transactions.push((await writeProtocol(ctx, { contract: 'ExactReceiver', at: earned.exactReceiver, functionName: 'withdrawEarnings', args: [earned.operator] })).hash)
  return { operator: earned.operator, channels: earned.channels, exact: earned.exact, total: earned.total, transactions }
}
