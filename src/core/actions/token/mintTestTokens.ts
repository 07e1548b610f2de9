import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { fundWallet } from '../wallet/fundWallet.js'

export type MintTestTokensParams = {
  /** Keystore name or address; default the context's account. */
  to?: string | undefined
  /** Test stablecoin to mint, in token units. Default 1000. */
  amount?: string | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type MintTestTokensReturnType = { address: Address; amount: string; symbol: string; transactionHash: Hash }
/** NOT_A_LOCAL_CHAIN, NO_TEST_TOKEN, NO_ACCOUNT, AMOUNT_INVALID. */
export type MintTestTokensErrorType = ModeldaoError

/**
 * Mints the local chain's test stablecoin (the payment token there) to an account. Local chains only.
 * @example await mintTestTokens(md, { to: 'alice', amount: '500' })
 */
export async function mintTestTokens(ctx: ModeldaoContext, params: MintTestTokensParams = {}): Promise<MintTestTokensReturnType> {
  const to = params.to ?? (await ctx.address())
  const funded = await fundWallet(ctx, { who: to, eth: '0', tokens: params.amount ?? '1000', flagNames: { tokens: '--amount' }, onProgress: params.onProgress })
  if (!funded.tokens) return { address: funded.address, amount: '0', symbol: 'tUSD', transactionHash: '0x' }
  return { address: funded.address, amount: funded.tokens.amount, symbol: funded.tokens.symbol, transactionHash: funded.tokens.hash }
}
