import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { compareAmounts, indexedOfferings, type IndexedOffering } from '../../index/queries.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { parseAddress } from '../../units/address.js'
import { syncedIndex } from '../index/syncIndex.js'

export type ListOffersParams = {
  modelId?: number | string | undefined
  seller?: string | undefined
  /** Also closed offers (sold out, cancelled, withdrawn); default only those with shares left. */
  all?: boolean | undefined
}
export type ListOffersReturnType = {
  /** Cheapest first (then oldest); closed offers last. */
  offers: IndexedOffering[]
  /** Symbol and decimals of every payment token the offers use. */
  tokens: Record<Address, TokenInfo>
  /** The chain's time the states were computed at (unix seconds). */
  now: number
  block: number
}
/** Chain and index errors. */
export type ListOffersErrorType = ModeldaoError

const rank = (offer: IndexedOffering) => ['open', 'upcoming', 'ended', 'sold-out', 'cancelled', 'withdrawn'].indexOf(offer.state)

/**
 * Share offers from the local index (synced first): open ones cheapest first, upcoming and ended after them.
 * @example const { offers } = await listOffers(md, { modelId: 1 })
 */
export async function listOffers(ctx: ModeldaoContext, params: ListOffersParams = {}): Promise<ListOffersReturnType> {
  const [{ index, sync }, connection] = await Promise.all([syncedIndex(ctx), ctx.chain()])
  const seller = params.seller === undefined ? undefined : parseAddress(params.seller, '--seller')
  const offers = indexedOfferings(index, { modelId: params.modelId === undefined ? undefined : Number(params.modelId), seller, live: !params.all }, sync.headTime)
  offers.sort((a, b) => rank(a) - rank(b) || a.modelId - b.modelId || compareAmounts(a.pricePerShare, b.pricePerShare) || a.id - b.id)
  const tokens: Record<Address, TokenInfo> = {}
  for (const address of new Set(offers.map((offer) => offer.paymentToken))) tokens[address] = await readToken(connection, address)
  return { offers, tokens, now: sync.headTime, block: sync.toBlock }
}
