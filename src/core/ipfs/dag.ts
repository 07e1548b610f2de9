import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { ExitCode, ModeldaoError } from '../errors/base.js'
import { multihashKey } from './verify.js'

/** Links of a block: dag-pb nodes link to children; raw blocks are leaves. */
export function blockLinks(cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code === raw.code) return []
  if (cid.code === dagPb.code) return dagPb.decode(bytes).Links.map((link) => link.Hash)
  throw new ModeldaoError('CODEC_UNSUPPORTED', `Block ${cid} uses codec 0x${cid.code.toString(16)}; modeldao handles UnixFS (dag-pb and raw).`, {
    exitCode: ExitCode.invalidInput,
  })
}

/**
 * The blocks of a DAG, depth-first in link order (the order a CAR or a file read wants), each once.
 * `load` supplies bytes (local store, or fetched and verified).
 */
export async function* dagBlocks(
  root: CID,
  load: (cid: CID) => Promise<Uint8Array> | Uint8Array,
  options: { signal?: AbortSignal | undefined } = {},
): AsyncGenerator<{ cid: CID; bytes: Uint8Array }> {
  const seen = new Set<string>()
  const stack: CID[] = [root]
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const cid = stack.pop()!
    const key = multihashKey(cid)
    if (seen.has(key)) continue
    seen.add(key)
    const bytes = await load(cid)
    yield { cid, bytes }
    const links = blockLinks(cid, bytes)
    for (let i = links.length - 1; i >= 0; i--) stack.push(links[i]!)
  }
}

/** Calls `visit` on every block of a DAG (see dagBlocks). */
export async function walkDag(
  root: CID,
  load: (cid: CID) => Promise<Uint8Array> | Uint8Array,
  visit: (cid: CID, bytes: Uint8Array) => Promise<void> | void,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<void> {
  for await (const { cid, bytes } of dagBlocks(root, load, options)) await visit(cid, bytes)
}
