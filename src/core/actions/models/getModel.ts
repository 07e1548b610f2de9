import type { ModeldaoContext } from '../../context/context.js'
import { InterruptedError, type ModeldaoError } from '../../errors/base.js'
import { openSourcePool, type SourceParams } from '../../ipfs/network/sources.js'
import { fetchModelFiles, type FetchModelFilesResult, type GetProgress } from '../../models/get.js'
import { resolveModelRef } from './resolveModelRef.js'

export type GetModelParams = SourceParams & {
  /** A model id on chain or a manifest CID. */
  ref: string
  /** Folder to write the files into. */
  outDir: string
  /** Keep the fetched blocks in the local repo and pin the model, so `ipfs daemon` serves it on. */
  keep?: boolean | undefined
  signal?: AbortSignal | undefined
  onProgress?: ((event: GetProgress) => void) | undefined
}
export type GetModelReturnType = FetchModelFilesResult
/** INTERRUPTED, SHA256_MISMATCH, SOURCES_EXHAUSTED, BLOCK_TAMPERED, BLOCK_UNAVAILABLE, SOURCE_UNREACHABLE, MANIFEST_INVALID, MODEL_UNKNOWN. */
export type GetModelErrorType = ModeldaoError

/**
 * Fetches a model's manifest and files from peers and gateways at once (or the local repo), verifies every block
 * against its CID and every file against the manifest's sha256, and writes the files atomically. A source that fails
 * or cheats is dropped and the others finish; interrupted, it resumes. With `keep`, the model stays pinned here.
 * @example await getModel(md, { ref: '1', outDir: './model', gateway: 'http://127.0.0.1:8080', peer: ['/ip4/…/p2p/12D3…'], keep: true })
 */
export async function getModel(ctx: ModeldaoContext, params: GetModelParams): Promise<GetModelReturnType> {
  const { manifestCid } = await resolveModelRef(ctx, params)
  const repo = ctx.repo()
  const source = await openSourcePool(repo, params)
  try {
    return await fetchModelFiles({ repo, manifestCid, outDir: params.outDir, source, keep: params.keep, signal: params.signal, onProgress: params.onProgress })
  } catch (error) {
    if (params.signal?.aborted) throw new InterruptedError('The download', 'Blocks fetched so far are kept: run the same command again to resume.')
    throw error
  } finally {
    await source?.close()
  }
}
