import type { Address, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { ChannelBook } from '../../payments/channelBook.js'
import { getChannel, type GetChannelReturnType } from './getChannel.js'

export type ListChannelsParams = { payer?: Address | undefined }
export type ListChannelsReturnType = { channels: (GetChannelReturnType & { openedAt: string })[] }
export type ListChannelsErrorType = ModeldaoError

/**
 * The payment channels recorded in this home (opened by `chat` or `channel open`) on the current chain and
 * deployment, with their on-chain state; only `payer`'s when given.
 * @example const { channels } = await listChannels(md)
 */
export async function listChannels(ctx: ModeldaoContext, params: ListChannelsParams = {}): Promise<ListChannelsReturnType> {
  const [connection, contract] = await Promise.all([ctx.chain(), ctx.contract('PaymentChannels')])
  const recorded = (await new ChannelBook(ctx.home.client).list()).filter(
    (entry) => entry.chainId === connection.chainId && entry.channels.toLowerCase() === contract.address.toLowerCase() && (!params.payer || entry.payer.toLowerCase() === params.payer.toLowerCase()),
  )
  const channels = await Promise.all(recorded.map(async (entry) => ({ ...(await getChannel(ctx, { channelId: entry.channelId as Hex, spending: true })), openedAt: entry.openedAt })))
  return { channels }
}
