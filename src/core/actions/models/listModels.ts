import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { indexedModels, indexedOfferings, rememberManifestName, type IndexedModel } from '../../index/queries.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { loadManifest } from '../../models/get.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { syncedIndex } from '../index/syncIndex.js'

export type ModelSort = 'id' | 'newest' | 'fees' | 'holders' | 'price' | 'supply' | 'name'

export type ListModelsParams = {
  /** Only models whose name or manifest CID contains this text (case-insensitive). */
  search?: string | undefined
  creator?: Address | undefined
  /** Only models with shares on offer now. */
  onOffer?: boolean | undefined
  /** Only models in which this account holds shares. */
  holder?: Address | undefined
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
/** Chain and index errors (see syncIndex). */
export type ListModelsErrorType = ModeldaoError

const compareBig = (a: string | undefined, b: string | undefined) => {
  if (a === b) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  return BigInt(a) < BigInt(b) ? -1 : 1
}

/**
 * Every tokenized model on the chain, from the local index (synced first): name, manifest CID, supply, holders, best
 * ask, fees to date and the shareholders' fee share; filtered and sorted.
 * @example const { models } = await listModels(md, { sort: 'fees', onOffer: true })
 */
export async function listModels(ctx: ModeldaoContext, params: ListModelsParams = {}): Promise<ListModelsReturnType> {
  const [{ index, sync }, deployments, connection] = await Promise.all([syncedIndex(ctx, params), ctx.deployments(), ctx.chain()])
  const paymentToken = await readToken(connection, deployments.paymentToken)
  let models = indexedModels(index)
  await nameFromLocalRepo(ctx, index, models)

  const asks = new Map<number, { best: bigint; amount: bigint }>()
  for (const offer of indexedOfferings(index, { live: true }, sync.headTime)) {
    if (offer.state !== 'open' || offer.paymentToken.toLowerCase() !== paymentToken.address.toLowerCase()) continue
    const price = BigInt(offer.pricePerShare)
    const ask = asks.get(offer.modelId) ?? { best: price, amount: 0n }
    asks.set(offer.modelId, { best: price < ask.best ? price : ask.best, amount: ask.amount + BigInt(offer.remaining) })
  }

  if (params.holder) {
    const held = new Set((index.db.prepare('SELECT model_id FROM balances WHERE account = ?').all(params.holder.toLowerCase()) as { model_id: number }[]).map((row) => row.model_id))
    models = models.filter((model) => held.has(model.id))
  }
  const search = params.search?.toLowerCase()
  if (search) models = models.filter((model) => model.name?.toLowerCase().includes(search) || model.manifestCid.toLowerCase().includes(search))
  if (params.creator) models = models.filter((model) => model.creator.toLowerCase() === params.creator!.toLowerCase())
  if (params.onOffer) models = models.filter((model) => asks.has(model.id))

  const listed: ListedModel[] = models.map((model) => {
    const ask = asks.get(model.id)
    return { ...model, bestAsk: ask?.best.toString(), onOffer: (ask?.amount ?? 0n).toString() }
  })
  const sort = params.sort ?? 'id'
  const byDescending = (pick: (m: ListedModel) => string) => (a: ListedModel, b: ListedModel) => compareBig(pick(b), pick(a)) || a.id - b.id
  const sorters: Record<ModelSort, (a: ListedModel, b: ListedModel) => number> = {
    id: (a, b) => a.id - b.id,
    newest: (a, b) => b.id - a.id,
    fees: byDescending((m) => m.feesDeposited),
    holders: (a, b) => b.holders - a.holders || a.id - b.id,
    supply: byDescending((m) => m.supply),
    price: (a, b) => compareBig(a.bestAsk, b.bestAsk) || a.id - b.id,
    name: (a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id - b.id,
  }
  listed.sort(sorters[sort])
  return { models: params.limit ? listed.slice(0, params.limit) : listed, total: listed.length, paymentToken, block: sync.toBlock }
}

/**
 * Fills in names from manifests already in the local repo (and remembers them: a CID's content never changes).
 * Models whose manifest is not local keep no name; `model info <id>` with a source fetches it.
 */
async function nameFromLocalRepo(ctx: ModeldaoContext, index: Awaited<ReturnType<typeof syncedIndex>>['index'], models: IndexedModel[]) {
  const unnamed = models.filter((model) => model.name === undefined)
  if (!unnamed.length || !existsSync(join(ctx.home.ipfs, 'blocks'))) return
  const repo = ctx.repo()
  for (const model of unnamed) {
    let cid
    try {
      cid = parseCid(model.manifestCid)
    } catch {
      continue
    }
    if (!(await repo.blockstore.has(cid))) continue
    try {
      const manifest = await loadManifest(repo, cid)
      model.name = manifest.name
      rememberManifestName(index, model.manifestCid, manifest.name)
    } catch {
      // Not a complete or valid manifest: the list shows the CID only.
    }
  }
}
