import { ExitCode, ModeldaoError } from '../errors/base.js'
import { testClientFor, type ChainConnection } from './clients.js'

export type TimeTravelResult = { blockNumber: string; blockTimestamp: string }

async function latest(connection: ChainConnection): Promise<TimeTravelResult> {
  const block = await connection.publicClient.getBlock()
  return { blockNumber: block.number.toString(), blockTimestamp: new Date(Number(block.timestamp) * 1000).toISOString() }
}

function requireAnvil(error: unknown): never {
  throw new ModeldaoError('NOT_A_DEV_CHAIN', 'This endpoint does not support time travel (anvil_* methods).', {
    details: (error as Error).message.split('\n')[0],
    hints: ['Time travel works only on a local development chain such as `modeldao chain up`.'],
    exitCode: ExitCode.invalidInput,
    cause: error,
  })
}

/** Mines `blocks` empty blocks on a local chain. */
export async function mineBlocks(connection: ChainConnection, blocks: number): Promise<TimeTravelResult> {
  try {
    await testClientFor(connection).mine({ blocks })
  } catch (error) {
    requireAnvil(error)
  }
  return latest(connection)
}

/** Moves the local chain's clock forward by `seconds` and mines a block so the new time is visible. */
export async function advanceTime(connection: ChainConnection, seconds: number): Promise<TimeTravelResult> {
  try {
    const test = testClientFor(connection)
    await test.increaseTime({ seconds })
    await test.mine({ blocks: 1 })
  } catch (error) {
    requireAnvil(error)
  }
  return latest(connection)
}
