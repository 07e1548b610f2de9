import type { Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { getChannel } from './getChannel.js'

export type WithdrawChannelParams = {
  channelId: Hex
  /** Ask to withdraw this much (base units): starts (or restarts) the thaw. Default: the whole balance, if no request is pending. */
  amount?: bigint | undefined
  /** Call off the pending withdrawal request. */
  cancel?: boolean | undefined
}
export type WithdrawChannelReturnType =
  | { stage: 'requested'; channelId: Hex; amount: string; thawEnd: string; transactions: Hash[] }
  | { stage: 'cancelled'; channelId: Hex; transactions: Hash[] }
  | { stage: 'withdrawn'; channelId: Hex; amount: string; transactions: Hash[] }
/** CHANNEL_EMPTY, REVERT_CHANNEL_NOT_PAYER, REVERT_CHANNEL_WITHDRAWAL_THAWING (decoded with the thaw's end), REVERT_CHANNEL_WITHDRAWAL_LAPSED, REVERT_CHANNEL_NO_WITHDRAWAL. */
export type WithdrawChannelErrorType = ModeldaoError

/**
 * Takes a payer's money back out of a channel in two steps, as the contract requires: the first call asks for a
 * withdrawal, which thaws for the channel's withdrawal delay (the operator settles what it is owed meanwhile); a
 * call after the thaw takes it. `amount` restarts the thaw with a new amount; `cancel` calls the request off.
 * @example await withdrawChannel(md, { channelId }) // request; after the thaw, the same call withdraws
 */
export async function withdrawChannel(ctx: ModeldaoContext, params: WithdrawChannelParams): Promise<WithdrawChannelReturnType> {
  const { channelId } = params
  if (params.cancel) {
    const { hash } = await writeProtocol(ctx, { contract: 'PaymentChannels', functionName: 'requestWithdrawal', args: [channelId, 0n] })
    return { stage: 'cancelled', channelId, transactions: [hash] }
  }
  const state = await getChannel(ctx, { channelId })
  if (params.amount !== undefined || (state.open && state.withdrawal === null)) {
    const amount = params.amount ?? BigInt(state.balance)
    if (amount === 0n) throw new ModeldaoError('CHANNEL_EMPTY', `Channel ${channelId} holds nothing to withdraw.`, { hints: ['See its balance with `modeldao channel status <id>`.'] })
    const { hash, events } = await writeProtocol(ctx, { contract: 'PaymentChannels', functionName: 'requestWithdrawal', args: [channelId, amount] })
    const requested = events.find((e) => e.eventName === 'WithdrawalRequested')
    const thawEnd = requested?.eventName === 'WithdrawalRequested' ? new Date(Number(requested.args.thawEnd) * 1000).toISOString() : ''
    return { stage: 'requested', channelId, amount: amount.toString(), thawEnd, transactions: [hash] }
  }
  // A request is pending (or the channel is unknown: the contract names either).
  const { hash, events } = await writeProtocol(ctx, { contract: 'PaymentChannels', functionName: 'withdraw', args: [channelId] })
  const withdrawn = events.find((e) => e.eventName === 'Withdrawn')
  return { stage: 'withdrawn', channelId, amount: withdrawn?.eventName === 'Withdrawn' ? withdrawn.args.amount.toString() : '0', transactions: [hash] }
}
