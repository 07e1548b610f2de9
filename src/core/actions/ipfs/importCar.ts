import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { readCarInto, type ImportCarResult } from '../../ipfs/formats/car.js'
import type { ModelManifest } from '../../models/manifest.js'
import { manifestAt, manifestFileRoots } from '../../models/modelDag.js'

export type ImportCarParams = { path: string; label?: string | undefined }
export type ImportCarReturnType = ImportCarResult
/** CAR_INVALID: not a CAR, a tampered block, a root whose DAG is incomplete, or a model card without all its files. */
export type ImportCarErrorType = ModeldaoError

/**
 * Imports a CAR file into the local repo: every block checked against its CID, every root complete, and a root that
 * is a model card complete with every file it names. Roots are pinned; a bad CAR stores nothing.
 * @example const { roots } = await importCar(md, { path: 'model.car' })
 */
export async function importCar(ctx: ModeldaoContext, params: ImportCarParams): Promise<ImportCarReturnType> {
  const repo = ctx.repo()
  const models: ModelManifest[] = []
  const result = await readCarInto(repo, params.path, params.label ?? `import ${params.path}`, async (root, load) => {
    const manifest = await manifestAt(root, load)
    if (!manifest) return []
    models.push(manifest)
    return manifestFileRoots(manifest)
  })
  // A manifest names its files by CID but does not link them: pin them too, or gc would take the weights.
  for (const manifest of models) {
    for (const file of manifestFileRoots(manifest)) await repo.pin(file.cid, `${manifest.name}/${file.path}`)
  }
  return result
}
