import { numberToHex } from 'viem'
import { NotADevChainError } from '../errors.js'
import type { ChainConnection } from '../rpc/connection.js'

/** Where the chain is now: latest block number and its time. */
export type BlockPosition = { blockNumber: string; blockTimestamp: string }

export async function latestBlock(connection: ChainConnection): Promise<BlockPosition> {
  const block = await connection.publicClient.getBlock()
  return { blockNumber: block.number.toString(), blockTimestamp: new Date(Number(block.timestamp) * 1000).toISOString() }
}

/** The development node behind an endpoint, from its `web3_clientVersion`: each mines through its own methods. */
export type DevNode = 'anvil' | 'hardhat' | 'other'

export async function devNodeOf(connection: ChainConnection): Promise<DevNode> {
  let version = ''
  try {
    version = String(await rpc(connection, { method: 'web3_clientVersion' }))
  } catch {
    // Some nodes do not answer it: try the generic evm_* methods.
  }
  if (/anvil/i.test(version)) return 'anvil'
  if (/hardhat/i.test(version)) return 'hardhat'
  return 'other'
}

/** A raw JSON-RPC call: the dev-node methods are outside viem's typed public schema. */
const rpc = (connection: ChainConnection, request: { method: string; params?: unknown[] }): Promise<unknown> =>
  (connection.publicClient.request as (args: unknown) => Promise<unknown>)(request)

/**
 * Mines `blocks` empty blocks in one call where the node has one (anvil_mine, hardhat_mine), else block by block
 * with evm_mine (every block whole either way).
 * @throws {NotADevChainError}
 */
export async function mineOn(connection: ChainConnection, blocks: number): Promise<DevNode> {
  const node = await devNodeOf(connection)
  try {
    if (node === 'anvil') await rpc(connection, { method: 'anvil_mine', params: [numberToHex(blocks)] })
    else if (node === 'hardhat') await rpc(connection, { method: 'hardhat_mine', params: [numberToHex(blocks)] })
    else for (let i = 0; i < blocks; i++) await rpc(connection, { method: 'evm_mine', params: [] })
  } catch (error) {
    throw new NotADevChainError(error)
  }
  return node
}

/**
 * Moves the clock `seconds` past the latest block and mines one block there, in one call (`evm_mine` with a
 * timestamp: anvil, Hardhat and Ganache all take it), so a refused step leaves the clock where it was.
 * @throws {NotADevChainError}
 */
export async function advanceOn(connection: ChainConnection, seconds: number): Promise<DevNode> {
  const node = await devNodeOf(connection)
  const last = await connection.publicClient.getBlock()
  try {
    await rpc(connection, { method: 'evm_mine', params: [Number(last.timestamp) + seconds] })
  } catch (error) {
    throw new NotADevChainError(error)
  }
  return node
}
