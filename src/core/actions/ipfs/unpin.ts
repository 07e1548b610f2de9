import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { NotPinnedError } from '../../ipfs/errors.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { manifestAt, manifestFileRoots } from '../../models/modelDag.js'

export type UnpinParams = { cid: string }
export type UnpinReturnType = {
  /** Every root unpinned: the CID, and for a model card each of its files no other pinned model uses. */
  unpinned: { cid: string; label: string }[]
}
/** CID_INVALID, NOT_PINNED. */
export type UnpinErrorType = ModeldaoError

/**
 * Unpins a root so `ipfs gc` can take its blocks. A model card's CID unpins the model: the manifest and its files,
 * except files that another pinned model card also names.
 * @example const { unpinned } = await unpin(md, { cid: manifestCid })
 */
export async function unpin(ctx: ModeldaoContext, params: UnpinParams): Promise<UnpinReturnType> {
  const cid = parseCid(params.cid)
  const repo = ctx.repo()
  const pins = repo.pins()
  const pin = pins.find((p) => p.cid === cid.toString())
  if (!pin) throw new NotPinnedError(cid.toString())
  const load = (c: typeof cid) => repo.blockstore.getBytes(c)
  const manifest = await manifestAt(cid, load).catch(() => undefined)
  const targets = [pin]
  if (manifest) {
    const stillNeeded = new Set<string>()
    for (const other of pins) {
      if (other.cid === pin.cid) continue
      const otherManifest = await manifestAt(parseCid(other.cid), load).catch(() => undefined)
      for (const file of otherManifest ? manifestFileRoots(otherManifest) : []) stillNeeded.add(file.cid.toString())
    }
    for (const file of manifestFileRoots(manifest)) {
      const filePin = pins.find((p) => p.cid === file.cid.toString())
      if (filePin && !stillNeeded.has(filePin.cid)) targets.push(filePin)
    }
  }
  for (const target of targets) repo.unpin(parseCid(target.cid))
  return { unpinned: targets.map(({ cid: c, label }) => ({ cid: c, label })) }
}
