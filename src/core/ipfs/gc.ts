import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { blockLinks } from './dag.js'
import type { IpfsRepo } from './repo.js'
import { multihashKey } from './verify.js'

export type GcResult = { kept: number; removed: number; reclaimedBytes: number }

/**
 * Removes every block not reachable from a pin, then rewrites pack files to give the space back.
 * Raw leaves are marked without being read (they have no links), so marking costs one read per DAG node.
 */
export async function collectGarbage(repo: IpfsRepo): Promise<GcResult> {
  const live = new Set<string>()
  for (const pin of repo.pins()) {
    const stack = [CID.parse(pin.cid)]
    while (stack.length > 0) {
      const cid = stack.pop()!
      const key = multihashKey(cid)
      if (live.has(key)) continue
      live.add(key)
      if (cid.code === raw.code || !repo.blockstore.has(cid)) continue
      stack.push(...blockLinks(cid, repo.blockstore.getBytes(cid)))
    }
  }
  // Collect first: deleting rows while SQLite iterates them is not safe.
  const dead: Uint8Array[] = []
  for await (const multihash of repo.blockstore.allMultihashes()) {
    if (!live.has(Buffer.from(multihash).toString('base64'))) dead.push(multihash)
  }
  for (const multihash of dead) repo.blockstore.deleteMultihash(multihash)
  const removed = dead.length
  const reclaimedBytes = await repo.blockstore.compact()
  return { kept: live.size, removed, reclaimedBytes }
}
