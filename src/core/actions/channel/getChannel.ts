import type { Address, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'

export type GetChannelParams = { channelId: Hex; modelId?: bigint | undefined }
export type GetChannelReturnType = {
  channelId: Hex
  open: boolean
  payer: Address
  operator: Address
  authorizer: Address
  withdrawalDelay: number
  balance: string
  /** A withdrawal being thawed: amount, and when it can be taken (ISO time), else null. */
  withdrawal: { amount: string; thawEnd: string } | null
  /** Settled so far for `modelId`, when given. */
  settled?: string | undefined
}
export type GetChannelErrorType = ModeldaoError

/**
 * Reads a payment channel's parties, balance and withdrawal state.
 * @example const { balance } = await getChannel(md, { channelId })
 */
export async function getChannel(ctx: ModeldaoContext, params: GetChannelParams): Promise<GetChannelReturnType> {
  const [connection, channels] = await Promise.all([ctx.chain(), ctx.contract('PaymentChannels')])
  const at = { address: channels.address, abi: channels.abi } as const
  const [payer, operator, authorizer, withdrawalDelay, balance, thawAmount, thawEnd] = await connection.publicClient.readContract({ ...at, functionName: 'channel', args: [params.channelId] })
  const settled = params.modelId === undefined ? undefined : await connection.publicClient.readContract({ ...at, functionName: 'settled', args: [params.channelId, params.modelId] })
  return {
    channelId: params.channelId,
    open: payer !== '0x0000000000000000000000000000000000000000',
    payer,
    operator,
    authorizer,
    withdrawalDelay: Number(withdrawalDelay),
    balance: balance.toString(),
    withdrawal: thawEnd === 0 ? null : { amount: thawAmount.toString(), thawEnd: new Date(thawEnd * 1000).toISOString() },
    settled: settled?.toString(),
  }
}
