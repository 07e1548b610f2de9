import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { stopLocalChain, type StopLocalChainResult } from '../../chain/local/anvil.js'

export type ChainDownReturnType = StopLocalChainResult
/** LOCAL_CHAIN_STOP_TIMEOUT. Not running is not an error: `stopped` is false. */
export type ChainDownErrorType = ModeldaoError

/**
 * Stops the local anvil (it saves its state on the way out, for the next `chainUp`).
 * @example const { stopped } = await chainDown(md)
 */
export async function chainDown(ctx: ModeldaoContext): Promise<ChainDownReturnType> {
  return stopLocalChain(ctx.home.localChain)
}
