import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { writeCar } from '../../ipfs/formats/car.js'
import { parseCid } from '../../ipfs/formats/verify.js'

export type ExportCarParams = { cid: string; path: string; signal?: AbortSignal | undefined }
export type ExportCarReturnType = { cid: string; path: string; bytes: number }
/** CID_INVALID, BLOCK_UNAVAILABLE (a block of the DAG is not local). */
export type ExportCarErrorType = ModeldaoError

/**
 * Writes the DAG under a CID from the local repo as a CARv1 file, atomically.
 * @example await exportCar(md, { cid: 'bafy…', path: 'model.car' })
 */
export async function exportCar(ctx: ModeldaoContext, params: ExportCarParams): Promise<ExportCarReturnType> {
  const cid = parseCid(params.cid)
  const written = await writeCar(ctx.repo(), cid, params.path, params.signal)
  return { cid: cid.toString(), ...written }
}
