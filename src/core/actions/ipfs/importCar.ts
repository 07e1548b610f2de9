import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { readCarInto, type ImportCarResult } from '../../ipfs/formats/car.js'

export type ImportCarParams = { path: string; label?: string | undefined }
export type ImportCarReturnType = ImportCarResult
/** CAR_INVALID: not a CAR, a tampered block, or a root whose DAG is incomplete. */
export type ImportCarErrorType = ModeldaoError

/**
 * Imports a CAR file into the local repo: every block checked against its CID, every root complete, roots pinned.
 * @example const { roots } = await importCar(md, { path: 'model.car' })
 */
export async function importCar(ctx: ModeldaoContext, params: ImportCarParams): Promise<ImportCarReturnType> {
  return readCarInto(ctx.repo(), params.path, params.label ?? `import ${params.path}`)
}
