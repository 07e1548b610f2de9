import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { BlockUnavailableError, TamperedBlockError } from '../errors.js'
import { walkDag } from '../formats/dag.js'
import { blockMatchesCid } from '../formats/verify.js'
import type { IpfsRepo } from '../storage/repo.js'
import type { BlockSource } from './sources.js'

export type FetchProgress = { blocks: number; fetchedBlocks: number; fetchedBytes: number }
export type FetchDagResult = FetchProgress

/**
 * Makes the whole DAG under `root` local: blocks already in the repo are reused (so an interrupted fetch resumes),
 * missing ones come from `source`, each checked against its CID before it is stored. Fetches run concurrently.
 * @throws {TamperedBlockError} a block whose bytes do not hash to its CID (nothing of it is stored).
 */
export async function fetchDag(
  repo: IpfsRepo,
  root: CID,
  source: BlockSource | undefined,
  options: { concurrency?: number; signal?: AbortSignal | undefined; onProgress?: ((progress: FetchProgress) => void) | undefined } = {},
): Promise<FetchDagResult> {
  const progress: FetchProgress = { blocks: 0, fetchedBlocks: 0, fetchedBytes: 0 }
  const store = repo.blockstore
  const load = async (cid: CID): Promise<Uint8Array | undefined> => {
    // Raw leaves already stored have no links: no need to read them back.
    if (store.has(cid)) return cid.code === raw.code ? undefined : store.getBytes(cid)
    if (!source) throw new BlockUnavailableError(cid.toString(), 'the local repo')
    const bytes = await source.fetchBlock(cid, options.signal)
    if (!blockMatchesCid(cid, bytes)) throw new TamperedBlockError(cid.toString(), source.name)
    store.putBytes(cid, bytes, true)
    await store.maybeCheckpoint()
    progress.fetchedBlocks++
    progress.fetchedBytes += bytes.byteLength
    return bytes
  }
  const concurrency = options.concurrency ?? source?.concurrency ?? 16
  for await (const _block of walkDag(root, { load, concurrency, signal: options.signal })) {
    progress.blocks++
    options.onProgress?.({ ...progress })
  }
  await store.flush()
  return progress
}
