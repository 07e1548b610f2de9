import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ModeldaoContext } from '../../context/context.js'
import type { ChainIndex } from '../../index/chainIndex.js'
import { rememberManifestName } from '../../index/queries.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { loadManifest } from '../../models/get.js'

/**
 * Fills in names from manifests already in the local repo (and remembers them: a CID's content never changes).
 * Models whose manifest is not local keep no name; `model info <id>` with a source fetches it.
 */
export async function nameFromLocalRepo(ctx: ModeldaoContext, index: ChainIndex, models: { manifestCid: string; name: string | undefined }[]) {
  const unnamed = models.filter((model) => model.name === undefined)
  if (!unnamed.length || !existsSync(join(ctx.home.ipfs, 'blocks'))) return
  const repo = ctx.repo()
  for (const model of unnamed) {
    let cid
    try {
      cid = parseCid(model.manifestCid)
    } catch {
      continue
    }
    if (!(await repo.blockstore.has(cid))) continue
    try {
      const manifest = await loadManifest(repo, cid)
      model.name = manifest.name
      rememberManifestName(index, model.manifestCid, manifest.name)
    } catch {
      // Not a complete or valid manifest: the list shows the CID only.
    }
  }
}
