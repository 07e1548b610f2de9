import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { latestBlock, testActions, type BlockPosition } from '../../chain/local/devChain.js'

export type AdvanceTimeParams = { seconds: number }
export type AdvanceTimeReturnType = BlockPosition & { advancedSeconds: number }
/** RPC_UNREACHABLE, LOCAL_CHAIN_NOT_RUNNING, NOT_A_DEV_CHAIN. */
export type AdvanceTimeErrorType = ModeldaoError

/**
 * Moves a local development chain's clock forward and mines a block so the new time is visible.
 * @example await advanceTime(md, { seconds: parseDuration('7d') })
 */
export async function advanceTime(ctx: ModeldaoContext, params: AdvanceTimeParams): Promise<AdvanceTimeReturnType> {
  const connection = await ctx.chain()
  await testActions(connection, async (test) => {
    await test.increaseTime({ seconds: params.seconds })
    await test.mine({ blocks: 1 })
  })
  return { ...(await latestBlock(connection)), advancedSeconds: params.seconds }
}
