import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { openSourcePool, type SourceParams } from '../../ipfs/network/sources.js'
import { loadManifest } from '../../models/get.js'
import type { ModelManifest } from '../../models/manifest.js'
import { resolveModelRef } from './resolveModelRef.js'

export type GetModelInfoParams = SourceParams & {
  /** A model id on chain or a manifest CID. */
  ref: string
  signal?: AbortSignal | undefined
}
export type GetModelInfoReturnType = { manifestCid: string; modelId?: string | undefined; manifest: ModelManifest }
/** MANIFEST_INVALID, BLOCK_UNAVAILABLE, SOURCE_UNREACHABLE, BLOCK_TAMPERED, CID_INVALID, MODEL_UNKNOWN. */
export type GetModelInfoErrorType = ModeldaoError

/**
 * A model card: from the local repo, or fetched (and verified) from a peer or gateway.
 * @example const { manifest } = await getModelInfo(md, { ref: '1', gateway: 'http://127.0.0.1:8080' })
 */
export async function getModelInfo(ctx: ModeldaoContext, params: GetModelInfoParams): Promise<GetModelInfoReturnType> {
  const resolved = await resolveModelRef(ctx, params)
  const repo = ctx.repo()
  const source = await openSourcePool(repo, params)
  try {
    const manifest = await loadManifest(repo, parseCid(resolved.manifestCid), source, params.signal)
    return { ...resolved, manifest }
  } finally {
    await source?.close()
  }
}
