import type { Address, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { ChannelBook } from '../../payments/channelBook.js'

export type GetChannelParams = {
  channelId: Hex
  modelId?: bigint | undefined
  /** Also read what this home spent on the channel (its ledger, and one `settled` read per model paid). */
  spending?: boolean | undefined
}
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
  /**
   * What this home's clients spent on the channel (the checked costs of their answers, from the home's ledger), how
   * much of it the node has not settled yet, and what is really left: the balance less that (a withdrawal returns no
   * more). Read only when asked (`spending: true`); absent when this home never paid through the channel.
   */
  spending?: { spent: string; unsettled: string; left: string } | undefined
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
  const spentByModel = params.spending ? Object.entries(await new ChannelBook(ctx.home.client).spent(params.channelId)) : []
  let spending: GetChannelReturnType['spending']
  if (spentByModel.length > 0) {
    const settledByModel = await Promise.all(spentByModel.map(([modelId]) => connection.publicClient.readContract({ ...at, functionName: 'settled', args: [params.channelId, BigInt(modelId)] })))
    const spent = spentByModel.reduce((sum, [, amount]) => sum + amount, 0n)
    // Per model: what was spent and not yet settled (a node may have settled less, never more, than was spent).
    const unsettled = spentByModel.reduce((sum, [, amount], i) => sum + (amount > settledByModel[i]! ? amount - settledByModel[i]! : 0n), 0n)
    const left = balance > unsettled ? balance - unsettled : 0n
    spending = { spent: spent.toString(), unsettled: unsettled.toString(), left: left.toString() }
  }
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
    ...(spending ? { spending } : {}),
  }
}
