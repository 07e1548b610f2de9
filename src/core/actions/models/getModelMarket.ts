import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { compareAmounts, indexedModels, indexedOfferings, modelFeeHistory, modelHolders, type FeeEvent, type Holder, type IndexedOffering } from '../../index/queries.js'
import { ModelUnknownError } from '../../models/errors.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { syncedIndex } from '../index/syncIndex.js'

export type GetModelMarketParams = { modelId: number | string; topHolders?: number | undefined; feeHistory?: number | undefined }

export type GetModelMarketReturnType = {
  modelId: number
  manifestCid: string
  /** Read from the contract now (not the index). */
  onChain: {
    creator: Address
    admin: Address
    supply: string
    royaltyBps: number
    royaltyReceiver: Address
    feeShareBps: number
    pricePerRequest: string
    feesDeposited: string
    /** Shares held by the market for open offers. */
    escrowed: string
  }
  holders: number
  topHolders: Holder[]
  openOffers: IndexedOffering[]
  feeHistory: FeeEvent[]
  paymentToken: TokenInfo
  block: number
}
/** MODEL_UNKNOWN, chain and index errors. */
export type GetModelMarketErrorType = ModeldaoError

/**
 * A model's market: its on-chain parameters (read now), top holders, open offers and fee history (from the index).
 * @example const { onChain, openOffers } = await getModelMarket(md, { modelId: 1 })
 */
export async function getModelMarket(ctx: ModeldaoContext, params: GetModelMarketParams): Promise<GetModelMarketReturnType> {
  const modelId = Number(params.modelId)
  const [{ index, sync }, connection, shares, offering, deployments] = await Promise.all([
    syncedIndex(ctx),
    ctx.chain(),
    ctx.contract('ModelShares'),
    ctx.contract('ShareOffering'),
    ctx.deployments(),
  ])
  const model = indexedModels(index, [modelId])[0]
  if (!model) throw new ModelUnknownError(BigInt(modelId), connection.chainId)
  const id = BigInt(modelId)
  const read = connection.publicClient.readContract
  const at = { address: shares.address, abi: shares.abi } as const
  const [creator, admin, supply, royaltyBps, royalty, feeShareBps, pricePerRequest, pool, escrowed, paymentToken] = await Promise.all([
    read({ ...at, functionName: 'creatorOf', args: [id] }),
    read({ ...at, functionName: 'adminOf', args: [id] }),
    read({ ...at, functionName: 'totalSupply', args: [id] }),
    read({ ...at, functionName: 'royaltyBps', args: [id] }),
    read({ ...at, functionName: 'royaltyInfo', args: [id, 10_000n] }),
    read({ ...at, functionName: 'feeShareBps', args: [id] }),
    read({ ...at, functionName: 'pricePerRequest', args: [id] }),
    read({ ...at, functionName: 'feePool', args: [id] }),
    read({ address: offering.address, abi: offering.abi, functionName: 'escrowed', args: [id] }),
    readToken(connection, deployments.paymentToken),
  ])
  const holders = modelHolders(index, modelId)
  return {
    modelId,
    manifestCid: model.manifestCid,
    onChain: {
      creator,
      admin,
      supply: supply.toString(),
      royaltyBps: Number(royaltyBps),
      royaltyReceiver: royalty[0],
      feeShareBps: Number(feeShareBps),
      pricePerRequest: pricePerRequest.toString(),
      feesDeposited: pool[0].toString(),
      escrowed: escrowed.toString(),
    },
    holders: holders.length,
    topHolders: holders.slice(0, params.topHolders ?? 10),
    openOffers: indexedOfferings(index, { modelId, live: true }, sync.headTime).sort((a, b) => compareAmounts(a.pricePerShare, b.pricePerShare) || a.id - b.id),
    feeHistory: modelFeeHistory(index, modelId, params.feeHistory ?? 20),
    paymentToken,
    block: sync.toBlock,
  }
}
