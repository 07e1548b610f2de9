import type { ModeldaoContext } from '../../context/context.js'
import { indexedOfferings, type IndexedOffering } from '../../index/queries.js'
import { syncedIndex } from '../index/syncIndex.js'

/** One offer from the index synced to the head, with its state at the head block's time; undefined if unknown. */
export async function readOffer(ctx: ModeldaoContext, offeringId: number | string): Promise<IndexedOffering | undefined> {
  const text = String(offeringId).trim()
  if (!/^\d+$/.test(text) || BigInt(text) === 0n || BigInt(text) > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  const { index, sync } = await syncedIndex(ctx)
  return indexedOfferings(index, { ids: [Number(text)] }, sync.headTime)[0]
}
