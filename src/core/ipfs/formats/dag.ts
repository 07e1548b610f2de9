import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { CodecUnsupportedError } from '../errors.js'
import { multihashKey } from './verify.js'

/** Links of a block: dag-pb nodes link to children; raw blocks are leaves. @throws {CodecUnsupportedError} */
export function blockLinks(cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code === raw.code) return []
  if (cid.code === dagPb.code) return dagPb.decode(bytes).Links.map((link) => link.Hash)
  throw new CodecUnsupportedError(cid.toString(), cid.code)
}

export type WalkDagOptions = {
  /**
   * The bytes of a block (local, or fetched and verified), or `undefined` when the walk need not read it because it
   * has no links to follow (a raw leaf already stored).
   */
  load: (cid: CID) => Uint8Array | undefined | Promise<Uint8Array | undefined>
  /** Blocks loaded at once. 1 (the default) gives exact depth-first link order, the order a CAR or a file wants. */
  concurrency?: number | undefined
  signal?: AbortSignal | undefined
  /** Blocks (multihash keys) already visited: pass one set to several walks to visit each block once across them. */
  seen?: Set<string> | undefined
}

export type WalkedBlock = { cid: CID; bytes: Uint8Array | undefined }

/**
 * The one DAG walker: every block under `root` once (by multihash), depth-first. With `concurrency` > 1 up to that
 * many loads run at once and blocks come as they finish (still deepest-first), for fetching over a network.
 * Used by fetch, CAR export and import, and garbage collection.
 */
export async function* walkDag(root: CID, options: WalkDagOptions): AsyncGenerator<WalkedBlock> {
  const concurrency = Math.max(1, options.concurrency ?? 1)
  const seen = options.seen ?? new Set<string>()
  const stack: CID[] = [root]
  const inFlight = new Map<number, Promise<WalkedBlock & { id: number }>>()
  let nextId = 0
  const startLoads = () => {
    while (inFlight.size < concurrency && stack.length > 0) {
      const cid = stack.pop()!
      const key = multihashKey(cid)
      if (seen.has(key)) continue
      seen.add(key)
      const id = nextId++
      const loading = Promise.resolve()
        .then(() => options.load(cid))
        .then((bytes) => ({ id, cid, bytes }))
      // Observed by the race below; this keeps a load that fails after the consumer stopped from going unhandled.
      loading.catch(() => {})
      inFlight.set(id, loading)
    }
  }
  startLoads()
  while (inFlight.size > 0) {
    options.signal?.throwIfAborted()
    const done = await Promise.race(inFlight.values())
    inFlight.delete(done.id)
    if (done.bytes) {
      const links = blockLinks(done.cid, done.bytes)
      for (let i = links.length - 1; i >= 0; i--) stack.push(links[i]!)
    }
    yield { cid: done.cid, bytes: done.bytes }
    startLoads()
  }
}
