import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { advanceOn, latestBlock, type BlockPosition, type DevNode } from '../../chain/local/devChain.js'

export type AdvanceTimeParams = { seconds: number }
export type AdvanceTimeReturnType = BlockPosition & { advancedSeconds: number; node: DevNode }
/** RPC_UNREACHABLE, LOCAL_CHAIN_NOT_RUNNING, NOT_A_DEV_CHAIN. */
export type AdvanceTimeErrorType = ModeldaoError

/**
 * Moves a development chain's clock forward and mines a block there, in one step (anvil, Hardhat, or any node with
 * `evm_mine`): refused, it leaves the clock untouched.
 * @example await advanceTime(md, { seconds: parseDuration('7d') })
 */
export async function advanceTime(ctx: ModeldaoContext, params: AdvanceTimeParams): Promise<AdvanceTimeReturnType> {
  const connection = await ctx.chain()
  const node = await advanceOn(connection, params.seconds)
  return { ...(await latestBlock(connection)), advancedSeconds: params.seconds, node }
}
