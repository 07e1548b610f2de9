import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { bestAsks, compareAmounts, heldModelIds, indexedModels, type IndexedModel } from '../../index/queries.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { parseAddress } from '../../units/address.js'
import { syncedIndex } from '../index/syncIndex.js'
import { nameFromLocalRepo } from './modelNames.js'

export type ModelSort = 'id' | 'newest' | 'fees' | 'holders' | 'price' | 'supply' | 'name'

export type ListModelsParams = {
  /** Only models whose name or manifest CID contains this text (case-insensitive). */
  search?: string | undefined
  creator?: string | undefined
  /** Only models with shares on offer now. */
  onOffer?: boolean | undefined
  /** Only models in which this account holds shares. */
  holder?: string | undefined
  sort?: ModelSort | undefined
  limit?: number | undefined
  signal?: AbortSignal | undefined
}

export type ListedModel = IndexedModel & {
  /** Lowest price a share is on offer for now, in the payment token (base units), if any is. */
  bestAsk: string | undefined
  /** Shares on offer now at any price in the payment token. */
  onOffer: string
}

export type ListModelsReturnType = { models: ListedModel[]; total: number; paymentToken: TokenInfo; block: number }
/** ADDRESS_INVALID, chain and index errors (see syncIndex). */
export type ListModelsErrorType = ModeldaoError

/**
 * Every tokenized model on the chain, from the local index (synced first): name, manifest CID, supply, holders, best
 * ask, fees to date and the shareholders' fee share; filtered and sorted.
 * @example const { models } = await listModels(md, { sort: 'fees', onOffer: true })
 */
export async function listModels(ctx: ModeldaoContext, params: ListModelsParams = {}): Promise<ListModelsReturnType> {
  const creator = params.creator === undefined ? undefined : parseAddress(params.creator, '--creator')
  const holder = params.holder === undefined ? undefined : parseAddress(params.holder, '--holder')
  const [{ index, sync }, deployments, connection] = await Promise.all([syncedIndex(ctx, params), ctx.deployments(), ctx.chain()])
  const paymentToken = await readToken(connection, deployments.paymentToken)
  let models = indexedModels(index)
  await nameFromLocalRepo(ctx, index, models)

  const asks = bestAsks(index, sync.headTime, paymentToken.address)

  if (holder) {
    const held = heldModelIds(index, holder)
    models = models.filter((model) => held.has(model.id))
  }
  const search = params.search?.toLowerCase()
  if (search) models = models.filter((model) => model.name?.toLowerCase().includes(search) || model.manifestCid.toLowerCase().includes(search))
  if (creator) models = models.filter((model) => model.creator === creator)
  if (params.onOffer) models = models.filter((model) => asks.has(model.id))

  const listed: ListedModel[] = models.map((model) => {
    const ask = asks.get(model.id)
    return { ...model, bestAsk: ask?.price.toString(), onOffer: (ask?.amount ?? 0n).toString() }
  })
  const sort = params.sort ?? 'id'
  const byDescending = (pick: (m: ListedModel) => string) => (a: ListedModel, b: ListedModel) => compareAmounts(pick(b), pick(a)) || a.id - b.id
  const sorters: Record<ModelSort, (a: ListedModel, b: ListedModel) => number> = {
    id: (a, b) => a.id - b.id,
    newest: (a, b) => b.id - a.id,
    fees: byDescending((m) => m.feesDeposited),
    holders: (a, b) => b.holders - a.holders || a.id - b.id,
    supply: byDescending((m) => m.supply),
    price: (a, b) => compareAmounts(a.bestAsk, b.bestAsk) || a.id - b.id,
    name: (a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id - b.id,
  }
  listed.sort(sorters[sort])
  return { models: params.limit ? listed.slice(0, params.limit) : listed, total: listed.length, paymentToken, block: sync.toBlock }
}
