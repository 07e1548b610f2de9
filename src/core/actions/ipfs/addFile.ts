import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import { cidProfile, DEFAULT_CID_PROFILE } from '../../ipfs/formats/cidProfiles.js'
import { importFile } from '../../ipfs/formats/importFile.js'

export type AddFileParams = {
  path: string
  /** The pin's label (default: the file name). */
  label?: string | undefined
  onProgress?: ((progress: { bytes: number; total: number }) => void) | undefined
}
export type AddFileReturnType = { cid: string; size: number; sha256: string; path: string }
/** PUBLISH_NOT_A_FILE (a folder, or nothing there), disk errors. */
export type AddFileErrorType = ModeldaoError

/**
 * Adds one file to the local IPFS repo (the default CID profile: the CID kubo gives the same file) and pins it: a
 * dataset to propose, a description to link. Models are published with `publishModel`, which adds a manifest.
 * @example const { cid, size } = await addFile(md, { path: './stories.jsonl' })
 */
export async function addFile(ctx: ModeldaoContext, params: AddFileParams): Promise<AddFileReturnType> {
  const path = resolve(params.path)
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile()) {
    throw new ModeldaoError('PUBLISH_NOT_A_FILE', info ? `${path} is a folder: \`ipfs add\` takes one file.` : `There is no file at ${path}.`, {
      hints: info ? ['Add its files one by one, or publish a model folder with `modeldao model publish`.'] : ['Check the path.'],
    })
  }
  const repo = ctx.repo()
  const imported = await importFile(repo.blockstore, path, cidProfile(DEFAULT_CID_PROFILE), { onProgress: params.onProgress })
  await repo.pin(imported.cid, params.label ?? basename(path))
  return { cid: imported.cid.toString(), size: imported.size, sha256: imported.sha256, path }
}
