import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { PriceList } from '../../payments/prices.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { readToken } from '../../shares/market.js'
import { requireModel } from '../shares/requireModel.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type RegisterNodeParams = {
  modelId: number | string
  /** The node's base URL, as clients and validators will reach it. */
  url: string
  prices: PriceList
  /** Stake in the payment token's base units; default the registry's minimum. */
  stake?: bigint | undefined
}
export type RegisterNodeReturnType = { modelId: number; operator: Address; url: string; stake: string; transactions: Hash[]; updated: boolean }
/** MODEL_UNKNOWN, TOKEN_BALANCE_INSUFFICIENT, REVERT_NODE_REGISTRY_* (stake too low, endpoint too long…). */
export type RegisterNodeErrorType = ModeldaoError

/**
 * Lists the account as a node of a model in NodeRegistry: approves and stakes (at least the minimum, slashable if a
 * challenge proves the node served other weights than registered), with its endpoint and prices. Already registered:
 * updates the endpoint and prices instead, the stake unchanged.
 * @example await registerNode(md, { modelId: 1, url: 'https://node.example', prices: { perRequest: 1000n, perOutputToken: 100n } })
 */
export async function registerNode(ctx: ModeldaoContext, params: RegisterNodeParams): Promise<RegisterNodeReturnType> {
  const modelId = await requireModel(ctx, params.modelId)
  const [connection, registry, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('NodeRegistry'), ctx.deployments(), ctx.signer()])
  const id = BigInt(modelId)
  const prices = { perRequest: params.prices.perRequest, perOutputToken: params.prices.perOutputToken }
  const current = await connection.publicClient.readContract({ address: registry.address, abi: registry.abi, functionName: 'stakeOf', args: [id, account.address] })
  if (current > 0n) {
    const { hash } = await writeProtocol(ctx, { contract: 'NodeRegistry', functionName: 'update', args: [id, params.url, prices] })
    return { modelId, operator: account.address, url: params.url, stake: current.toString(), transactions: [hash], updated: true }
  }
  const stake = params.stake ?? (await connection.publicClient.readContract({ address: registry.address, abi: registry.abi, functionName: 'minStake' }))
  const approval = await ensureAllowance(connection, account, { token: await readToken(connection, deployments.paymentToken), spender: registry.address, amount: stake })
  const { hash } = await writeProtocol(ctx, { contract: 'NodeRegistry', functionName: 'register', args: [id, params.url, prices, stake] })
  return { modelId, operator: account.address, url: params.url, stake: stake.toString(), transactions: [approval, hash].filter((h): h is Hash => h !== undefined), updated: false }
}
