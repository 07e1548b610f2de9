import type { ModeldaoContext } from '../../context/context.js'
import { ModelUnknownError } from '../../models/errors.js'

/**
 * A model id from user input, checked against the chain (not the index, which may lag a block behind).
 * @throws {ModelUnknownError} not a positive integer, or no such model.
 */
export async function requireModel(ctx: ModeldaoContext, modelId: number | string): Promise<number> {
  const [connection, shares] = await Promise.all([ctx.chain(), ctx.contract('ModelShares')])
  const text = String(modelId).trim()
  const count = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'modelCount' })
  if (!/^\d+$/.test(text) || BigInt(text) === 0n || BigInt(text) > count) throw new ModelUnknownError(text, connection.chainId)
  return Number(text)
}
