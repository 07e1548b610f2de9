import { NotADevChainError } from '../errors.js'
import { testClientFor, type ChainConnection } from '../rpc/connection.js'

/** Where the chain is now: latest block number and its time. */
export type BlockPosition = { blockNumber: string; blockTimestamp: string }

export async function latestBlock(connection: ChainConnection): Promise<BlockPosition> {
  const block = await connection.publicClient.getBlock()
  return { blockNumber: block.number.toString(), blockTimestamp: new Date(Number(block.timestamp) * 1000).toISOString() }
}

/** Runs anvil test methods (mine, time travel); an endpoint without them is NOT_A_DEV_CHAIN. */
export async function testActions(connection: ChainConnection, run: (test: ReturnType<typeof testClientFor>) => Promise<unknown>): Promise<void> {
  try {
    await run(testClientFor(connection))
  } catch (error) {
    throw new NotADevChainError(error)
  }
}
