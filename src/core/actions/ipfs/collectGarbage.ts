import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { collectGarbageIn, type GcResult } from '../../ipfs/storage/gc.js'

export type CollectGarbageReturnType = GcResult
/** BLOCK_CORRUPT when a pinned DAG node fails its hash check. */
export type CollectGarbageErrorType = ModeldaoError

/**
 * Removes every block of the local repo that no pin reaches, and gives the disk space back.
 * @example const { removed, reclaimedBytes } = await collectGarbage(md)
 */
export async function collectGarbage(ctx: ModeldaoContext): Promise<CollectGarbageReturnType> {
  return collectGarbageIn(ctx.repo())
}
