import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { gguf } from '@huggingface/gguf'
import { GgufMalformedError } from './errors.js'
import { GGML_TYPES } from './ggmlTypes.js'

/** What a model card says about a GGUF file, read from its header. */
export type GgufInfo = {
  version: number
  architecture: string
  parameterCount: number
  /** `general.file_type` name when present, else the most common tensor type. */
  quantization: string
  contextLength: number | null
  tokenizer: string | null
  tensorCount: number
}


// llama.cpp `general.file_type` (LLAMA_FTYPE_*) → names.
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M',
  13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 32: 'BF16',
}

/** True when the file starts with the GGUF magic. */
export async function hasGgufMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const magic = Buffer.alloc(4)
    const { bytesRead } = await handle.read(magic, 0, 4, 0)
    return bytesRead === 4 && magic.toString('ascii') === 'GGUF'
  } finally {
    await handle.close()
  }
}

/**
 * Reads architecture, parameter count, quantization, context length and tokenizer from a GGUF header.
 * @throws {GgufMalformedError}
 */
export async function readGgufInfo(path: string): Promise<GgufInfo> {
  if (!(await hasGgufMagic(path))) throw new GgufMalformedError(path, 'the file does not start with the "GGUF" magic')
  let parsed: Awaited<ReturnType<typeof gguf>> & { parameterCount?: number }
  try {
    parsed = await gguf(path, { allowLocalFile: true, computeParametersCount: true })
  } catch (error) {
    throw new GgufMalformedError(path, (error as Error).message)
  }
  const metadata = parsed.metadata as Record<string, unknown>
  const architecture = metadata['general.architecture']
  if (typeof architecture !== 'string' || architecture === '') throw new GgufMalformedError(path, 'general.architecture is missing')
  const fileType = metadata['general.file_type']
  let quantization = typeof fileType === 'number' ? FILE_TYPES[fileType] : undefined
  if (!quantization) {
    const counts = new Map<string, number>()
    for (const tensor of parsed.tensorInfos) {
      const name = GGML_TYPES[Number(tensor.dtype)]?.name ?? `type${tensor.dtype}`
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    quantization = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown'
  }
  const contextLength = metadata[`${architecture}.context_length`]
  const tokenizer = metadata['tokenizer.ggml.model']
  return {
    version: Number(metadata.version ?? 3),
    architecture,
    parameterCount: Number(parsed.parameterCount ?? 0),
    quantization,
    contextLength: typeof contextLength === 'number' || typeof contextLength === 'bigint' ? Number(contextLength) : null,
    tokenizer: typeof tokenizer === 'string' ? tokenizer : null,
    tensorCount: parsed.tensorInfos.length,
  }
}
