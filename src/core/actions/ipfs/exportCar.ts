import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { writeCar } from '../../ipfs/formats/car.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { manifestAt, manifestFileRoots } from '../../models/modelDag.js'

export type ExportCarParams = { cid: string; path: string; signal?: AbortSignal | undefined }
export type ExportCarReturnType = {
  cid: string
  path: string
  bytes: number
  /** When the root is a model card: the files whose DAGs the CAR holds with it. */
  files?: string[] | undefined
}
/** CID_INVALID, BLOCK_UNAVAILABLE (a block of the DAG, or of a manifest's file, is not local). */
export type ExportCarErrorType = ModeldaoError

/**
 * Writes the DAG under a CID from the local repo as a CARv1 file, atomically. A model card's CID exports the whole
 * model: the manifest, then every file it names.
 * @example await exportCar(md, { cid: manifestCid, path: 'model.car' })
 */
export async function exportCar(ctx: ModeldaoContext, params: ExportCarParams): Promise<ExportCarReturnType> {
  const cid = parseCid(params.cid)
  const repo = ctx.repo()
  const manifest = await manifestAt(cid, (c) => repo.blockstore.getBytes(c)).catch(() => undefined)
  const include = manifest ? manifestFileRoots(manifest).map((file) => file.cid) : []
  const written = await writeCar(repo, cid, params.path, params.signal, include)
  return { cid: cid.toString(), ...written, ...(manifest ? { files: manifest.files.map((file) => file.path) } : {}) }
}
