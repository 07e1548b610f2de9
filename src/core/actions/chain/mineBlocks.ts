import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { latestBlock, mineOn, type BlockPosition, type DevNode } from '../../chain/local/devChain.js'

export type MineBlocksParams = { blocks: number }
export type MineBlocksReturnType = BlockPosition & { node: DevNode }
/** RPC_UNREACHABLE, LOCAL_CHAIN_NOT_RUNNING, NOT_A_DEV_CHAIN. */
export type MineBlocksErrorType = ModeldaoError

/**
 * Mines empty blocks on a development chain (anvil, Hardhat, or any node with `evm_mine`).
 * @example const { blockNumber } = await mineBlocks(md, { blocks: 10 })
 */
export async function mineBlocks(ctx: ModeldaoContext, params: MineBlocksParams): Promise<MineBlocksReturnType> {
  const connection = await ctx.chain()
  const node = await mineOn(connection, params.blocks)
  return { ...(await latestBlock(connection)), node }
}
