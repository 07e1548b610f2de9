import type { ModeldaoError } from '../../errors/base.js'
import { devModelPresets, writeDevModel, type DevModelOptions } from '../../models/devModel.js'
import { sha256OfFile } from '../../models/get.js'
import { validateGguf } from '../../models/ggufValidate.js'
import { DevModelOptionsInvalidError } from '../../serving/errors.js'

export type WriteDevGgufParams = DevModelOptions & {
  path: string
  onTensor?: ((done: number, total: number) => void) | undefined
}
export type WriteDevGgufReturnType = { path: string; bytes: number; parameters: number; layers: number; sha256: string }
/** DEV_MODEL_OPTIONS_INVALID, GGUF_MALFORMED (never for files this writes: it checks its own output). */
export type WriteDevGgufErrorType = ModeldaoError

/**
 * Writes a runnable seeded llama-architecture GGUF (see `devModelPresets`), byte-for-byte the same for the same
 * arguments, then checks it with the validator the serving node uses.
 * @example await writeDevGguf({ path: 'tiny.gguf', preset: 'tiny', seed: 1, type: 'f32' })
 */
export async function writeDevGguf(params: WriteDevGgufParams): Promise<WriteDevGgufReturnType> {
  const preset = devModelPresets[params.preset]
  if (!preset) throw new DevModelOptionsInvalidError(`Unknown preset "${params.preset}": use ${Object.keys(devModelPresets).join(', ')}.`)
  if (params.layers !== undefined && (!Number.isInteger(params.layers) || params.layers < 1 || params.layers > preset.layers)) {
    throw new DevModelOptionsInvalidError(`--layers ${params.layers} is out of range: the ${params.preset} preset has ${preset.layers} layers (use 1 to ${preset.layers}).`)
  }
  if (!Number.isInteger(params.seed) || params.seed < 0 || params.seed > 2 ** 32 - 1) throw new DevModelOptionsInvalidError(`--seed ${params.seed} must be a whole number from 0 to 4294967295.`)
  const written = await writeDevModel(params.path, params, params.onTensor)
  await validateGguf(params.path)
  return { ...written, sha256: await sha256OfFile(params.path) }
}
