import { type Address, type Hash, type Hex, getAddress, keccak256, encodeAbiParameters, toHex } from 'viem'
import { randomBytes } from 'node:crypto'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { approveChannels } from './depositChannel.js'
import { ChannelBook } from '../../payments/channelBook.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type OpenChannelParams = {
  /** The node operator the channel pays. */
  operator: Address
  /** Initial deposit, in payment-token base units. */
  amount: bigint
  /** Key that signs vouchers (default: the signer itself). Fixed for the channel's life. */
  authorizer?: Address | undefined
  /** Seconds a withdrawal thaws before it can be taken (default 1 day; 15 minutes to 7 days). */
  withdrawalDelay?: number | undefined
  /** Distinguishes several channels to one operator (default random). */
  salt?: Hex | undefined
}
export type OpenChannelReturnType = {
  channelId: Hex
  payer: Address
  operator: Address
  authorizer: Address
  amount: string
  transactions: Hash[]
  /** Whether the home's channel book recorded it (false: keep the id, pass it as `--channel`). */
  recorded: boolean
}
/** TOKEN_BALANCE_INSUFFICIENT, REVERT_Channel* (decoded), signer and chain errors. */
export type OpenChannelErrorType = ModeldaoError

export const DEFAULT_WITHDRAWAL_DELAY = 24 * 60 * 60

/** The id of a channel key, as the contract computes it. */
export function channelIdOf(key: { payer: Address; operator: Address; token: Address; withdrawalDelay: bigint; salt: Hex }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'address' }, { type: 'address' }, { type: 'address' }, { type: 'uint64' }, { type: 'bytes32' }],
      [key.payer, key.operator, key.token, key.withdrawalDelay, key.salt],
    ),
  )
}

/**
 * Opens a payment channel from the signer to a node operator and deposits into it (approving the exact amount), and
 * records it in the home's channel book.
 * @example const { channelId } = await openChannel(md, { operator: '0x…', amount: 5_000_000n })
 */
export async function openChannel(ctx: ModeldaoContext, params: OpenChannelParams): Promise<OpenChannelReturnType> {
  const [connection, account, deployments, channels] = await Promise.all([ctx.chain(), ctx.signer(), ctx.deployments(), ctx.contract('PaymentChannels')])
  const transactions: Hash[] = []
  if (params.amount > 0n) {
    const approval = await approveChannels(ctx, params.amount)
    if (approval) transactions.push(approval)
  }
  const key = {
    payer: account.address,
    operator: getAddress(params.operator),
    token: deployments.paymentToken,
    withdrawalDelay: BigInt(params.withdrawalDelay ?? DEFAULT_WITHDRAWAL_DELAY),
    salt: params.salt ?? toHex(randomBytes(32)),
  }
  const authorizer = getAddress(params.authorizer ?? account.address)
  const { hash } = await writeProtocol(ctx, { contract: 'PaymentChannels', functionName: 'open', args: [key, authorizer, params.amount] })
  transactions.push(hash)
  const channelId = channelIdOf(key)
  // Recorded as soon as it exists on chain, so `chat` reuses it and `channel list` shows it (a crash after the
  // transaction loses only this convenience: the channel is on chain, and `--channel` names it).
  let recorded = true
  try {
    await new ChannelBook(ctx.home.client).remember({ chainId: connection.chainId, channels: channels.address, payer: account.address, operator: key.operator }, channelId)
  } catch {
    // The money is in the channel already: return its id rather than an error (callers say it is not recorded).
    recorded = false
  }
  return {
    recorded, channelId, payer: account.address, operator: key.operator, authorizer, amount: params.amount.toString(), transactions }
}
