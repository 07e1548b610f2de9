import { getAddress, type Address, type Hash } from 'viem'
import { protocolArtifacts } from '../../chain/protocol/generated/contracts.js'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type GetEarningsParams = { operator?: Address | undefined }
/** One of the operator's ExactReceivers: one per model it took exact payments for. */
export type ExactReceiverEarnings = { modelId: string; receiver: Address; earnings: string }
export type GetEarningsReturnType = {
  operator: Address
  /** Settled channel vouchers, less the holders' fee share (base units). */
  channels: string
  /** Exact payments booked by the operator's ExactReceivers (all models), less the holders' fee share (base units). */
  exact: string
  /** The operator's ExactReceivers, one per model, each with what it holds for the operator. */
  exactReceivers: ExactReceiverEarnings[]
  total: string
}
export type GetEarningsErrorType = ModeldaoError

/**
 * What an operator can withdraw: its PaymentChannels earnings (from settled vouchers) and its ExactReceivers' (from
 * exact payments; one receiver per model, found by their ReceiverCreated events). Vouchers the node holds but has not
 * settled yet are not in it.
 * @example const { total } = await getEarnings(md) // the signer's
 */
export async function getEarnings(ctx: ModeldaoContext, params: GetEarningsParams = {}): Promise<GetEarningsReturnType> {
  const [connection, channels, exactPayments, deployments] = await Promise.all([ctx.chain(), ctx.contract('PaymentChannels'), ctx.contract('ExactPayments'), ctx.deployments()])
  const operator = getAddress(params.operator ?? (await ctx.signer()).address)
  const read = connection.publicClient
  const fromBlock = BigInt(deployments.contracts.ExactPayments?.blockNumber ?? '0')
  // A receiver is created on the operator's first exact payment for a model: before that, nothing was earned there.
  const [fromChannels, created] = await Promise.all([
    read.readContract({ address: channels.address, abi: channels.abi, functionName: 'earnings', args: [operator] }),
    read.getContractEvents({ address: exactPayments.address, abi: exactPayments.abi, eventName: 'ReceiverCreated', args: { operator }, fromBlock }),
  ])
  const exactReceivers = await Promise.all(
    created.map(async (log): Promise<ExactReceiverEarnings> => {
      const receiver = getAddress(log.args.receiver!)
      const earnings = await read.readContract({ address: receiver, abi: protocolArtifacts.ExactReceiver.abi, functionName: 'earnings' })
      return { modelId: log.args.modelId!.toString(), receiver, earnings: earnings.toString() }
    }),
  )
  const fromExact = exactReceivers.reduce((sum, r) => sum + BigInt(r.earnings), 0n)
  return { operator, channels: fromChannels.toString(), exact: fromExact.toString(), exactReceivers, total: (fromChannels + fromExact).toString() }
}

export type WithdrawEarningsReturnType = { operator: Address; channels: string; exact: string; total: string; transactions: Hash[] }
/** NOTHING_TO_WITHDRAW, signer and chain errors. */
export type WithdrawEarningsErrorType = ModeldaoError

/**
 * Pays the signer's operator earnings out to it: from PaymentChannels and from each of its ExactReceivers, each only
 * when it holds something.
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
  for (const { receiver, earnings } of earned.exactReceivers) {
    if (earnings !== '0') transactions.push((await writeProtocol(ctx, { contract: 'ExactReceiver', at: receiver, functionName: 'withdrawEarnings', args: [earned.operator] })).hash)
  }
  return { operator: earned.operator, channels: earned.channels, exact: earned.exact, total: earned.total, transactions }
}
