import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { ChainIndex, IndexSyncProgress, IndexSyncResult } from '../../index/chainIndex.js'

export type SyncIndexParams = {
  /** Empty the index first and read every log again. */
  rebuild?: boolean | undefined
  onProgress?: ((event: IndexSyncProgress) => void) | undefined
  signal?: AbortSignal | undefined
}
export type SyncIndexReturnType = IndexSyncResult & { file: string; chainId: number }
/** RPC_UNREACHABLE, NOT_DEPLOYED, DEPLOYMENTS_MISMATCH, LOCAL_CHAIN_NOT_RUNNING. */
export type SyncIndexErrorType = ModeldaoError

/**
 * Brings the local index of models, holders, offers and fees up to the chain's head (incrementally; a reorg of the
 * last blocks is rolled back, another or reset chain rebuilds it). `rebuild` reads every log again.
 * @example const { toBlock, events } = await syncIndex(md)
 */
export async function syncIndex(ctx: ModeldaoContext, params: SyncIndexParams = {}): Promise<SyncIndexReturnType> {
  const { sync, index } = await syncedIndex(ctx, params)
  return { ...sync, file: index.file, chainId: index.identity.chainId }
}

/** The index, synced to the head: what every market action reads lists from. */
export async function syncedIndex(ctx: ModeldaoContext, params: SyncIndexParams = {}): Promise<{ index: ChainIndex; sync: IndexSyncResult }> {
  const [connection, index] = await Promise.all([ctx.chain(), ctx.index()])
  if (params.rebuild) index.reset()
  const sync = await index.sync(connection, { onProgress: params.onProgress, signal: params.signal })
  if (params.rebuild) sync.rebuilt ??= 'asked for (index rebuild)'
  return { index, sync }
}
