import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { walkDag } from '../formats/dag.js'
import { multihashKey } from '../formats/verify.js'
import type { IpfsRepo } from './repo.js'

export type GcResult = { kept: number; removed: number; reclaimedBytes: number }

/**
 * Removes every block not reachable from a pin, then rewrites pack files to give the space back.
 * Raw leaves are marked without being read (they have no links), so marking costs one read per DAG node.
 */
export async function collectGarbageIn(repo: IpfsRepo): Promise<GcResult> {
  const live = new Set<string>()
  const store = repo.blockstore
  for (const pin of repo.pins()) {
    const load = (cid: CID) => (cid.code === raw.code || !store.has(cid) ? undefined : store.getBytes(cid))
    for await (const { cid } of walkDag(CID.parse(pin.cid), { load })) live.add(multihashKey(cid))
  }
  // Collect first: deleting rows while SQLite iterates them is not safe.
  const dead: Uint8Array[] = []
  for await (const multihash of store.allMultihashes()) {
    if (!live.has(Buffer.from(multihash).toString('base64'))) dead.push(multihash)
  }
  for (const multihash of dead) store.deleteMultihash(multihash)
  const reclaimedBytes = await store.compact()
  return { kept: live.size, removed: dead.length, reclaimedBytes }
}
