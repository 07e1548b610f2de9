import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { latestBlock, testActions, type BlockPosition } from '../../chain/local/devChain.js'

export type MineBlocksParams = { blocks: number }
export type MineBlocksReturnType = BlockPosition
/** RPC_UNREACHABLE, LOCAL_CHAIN_NOT_RUNNING, NOT_A_DEV_CHAIN. */
export type MineBlocksErrorType = ModeldaoError

/**
 * Mines empty blocks on a local development chain.
 * @example const { blockNumber } = await mineBlocks(md, { blocks: 10 })
 */
export async function mineBlocks(ctx: ModeldaoContext, params: MineBlocksParams): Promise<MineBlocksReturnType> {
  const connection = await ctx.chain()
  await testActions(connection, (test) => test.mine({ blocks: params.blocks }))
  return latestBlock(connection)
}
