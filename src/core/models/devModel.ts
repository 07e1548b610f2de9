import { DEV_CORPUS } from './devCorpus.js'
import { writeGgufStreaming, type GgufTensorSpec, type GgufTensorType, type GgufValue } from './ggufWriter.js'

/**
 * Runnable llama-architecture models made from a seed, for tests, benchmarks and the demo (no model hub is reachable
 * here). The same arguments always give the same bytes. Each tensor has its own random stream (seed and tensor name),
 * so a model with fewer layers or a lower-precision type shares its weights with the full one: the "cheaper model"
 * verification has to catch.
 */
export const devModelPresets = {
  /** ~0.1 M parameters: tests (loads in ~0.1 s, thousands of tokens/s on one thread). */
  tiny: { embedding: 64, layers: 2, heads: 4, kvHeads: 4, feedForward: 128, contextLength: 4096 },
  /** ~3 M parameters: benchmarks where decoding, not overhead, dominates. */
  small: { embedding: 256, layers: 4, heads: 8, kvHeads: 4, feedForward: 768, contextLength: 4096 },
  /**
   * Peaked like a real model: one-hot embeddings of the text tokens pass through small random layers, and the output
   * layer encodes the character bigram statistics of a shipped text (devCorpus.ts), so the next-token distribution
   * is that of English text after the current character (top probabilities of 0.3–0.9), not the flat one of random
   * weights. The layers still matter: fewer layers or another seed shift every distribution a little.
   */
  peaked: { embedding: 128, layers: 2, heads: 4, kvHeads: 4, feedForward: 256, contextLength: 4096 },
  /** ~1 B parameters (TinyLlama's shape with a byte vocabulary): GPU benchmarks. */
  '1b': { embedding: 2048, layers: 22, heads: 32, kvHeads: 4, feedForward: 5632, contextLength: 4096 },
} as const
export type DevModelPreset = keyof typeof devModelPresets

export type DevModelOptions = {
  preset: DevModelPreset
  seed: number
  type: GgufTensorType
  /** Fewer layers than the preset (the first ones, same weights). */
  layers?: number | undefined
}

/** ChatML, rendered by llama.cpp's and node-llama-cpp's template engines. */
export const DEV_CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

const SPECIAL = ['<unk>', '<s>', '</s>'] as const
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const
const FILE_TYPE: Record<GgufTensorType, number> = { f32: 0, f16: 1, q8_0: 7, q4_0: 2 }

/**
 * A SentencePiece-style byte-level vocabulary: `<unk> <s> </s>`, the 256 byte tokens, "▁" (the space) and printable
 * ASCII. Every string tokenizes (bytes fall back to byte tokens); 354 tokens in all.
 */
export function devVocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens: string[] = [...SPECIAL]
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control]
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)
    types.push(TOKEN_TYPE.byte)
  }
  tokens.push('\u2581')
  types.push(TOKEN_TYPE.normal)
  for (let c = 0x21; c <= 0x7e; c++) {
    tokens.push(String.fromCharCode(c))
    types.push(TOKEN_TYPE.normal)
  }
  return { tokens, types, scores: tokens.map(() => 0) }
}

/** FNV-1a of a string, mixed with the seed: each tensor's own stream. */
function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0)
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Uniform values in [-scale, scale) from a mulberry32 stream: fast, and identical on every platform. */
function seededUniform(length: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(length)
  let state = seed >>> 0
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale
  }
  return out
}

/** How much of each layer's output the peaked preset adds to the residual stream. */
const PEAKED_LAYER_SCALE = 0.03

/** Text token `firstText + j` embeds as the j-th axis; special and byte tokens as small seeded noise. */
function peakedEmbeddings(embedding: number, nVocab: number, firstText: number, seed: number): Float32Array {
  const out = seededUniform(embedding * nVocab, streamSeed(seed, 'token_embd.weight'), 0.01)
  for (let v = firstText; v < nVocab; v++) {
    out.fill(0, v * embedding, (v + 1) * embedding)
    out[v * embedding + (v - firstText)] = 10
  }
  return out
}

/** Output rows: text token v's row holds log P(v | character j) / sqrt(embedding) on axis j (add-0.05 smoothing); other tokens −30. */
function bigramOutput(embedding: number, nVocab: number, firstText: number): Float32Array {
  const textTokens = nVocab - firstText
  const index = (ch: string) => (ch === ' ' || ch === '\n' ? 0 : ch.charCodeAt(0) - 0x20)
  const counts = Array.from({ length: textTokens }, () => new Float64Array(textTokens).fill(0.05))
  const text = DEV_CORPUS
  for (let i = 1; i < text.length; i++) {
    const a = index(text[i - 1]!)
    const b = index(text[i]!)
    if (a >= 0 && a < textTokens && b >= 0 && b < textTokens) counts[a]![b]! += 1
  }
  const out = new Float32Array(embedding * nVocab)
  const scale = 1 / Math.sqrt(embedding)
  for (let j = 0; j < textTokens; j++) {
    const row = counts[j]!
    const total = row.reduce((sum, c) => sum + c, 0)
    for (let v = 0; v < textTokens; v++) out[(firstText + v) * embedding + j] = Math.log(row[v]! / total) * scale
    // Special and byte tokens never follow a character: a logit of −30.
    for (let v = 0; v < firstText; v++) out[v * embedding + j] = -30 * scale
  }
  return out
}

/** The tensors and metadata of a dev model, each tensor made on demand. */
export function devModelLayout(options: DevModelOptions): { metadata: Record<string, GgufValue>; tensors: GgufTensorSpec[]; parameters: number } {
  const preset = devModelPresets[options.preset]
  const layers = options.layers ?? preset.layers
  if (!Number.isSafeInteger(layers) || layers < 1 || layers > preset.layers) {
    throw new RangeError(`layers must be 1 to ${preset.layers} for the ${options.preset} preset, got ${layers}`)
  }
  const { embedding, heads, kvHeads, feedForward } = preset
  const kvEmbedding = (embedding / heads) * kvHeads
  const vocab = devVocabulary()
  const nVocab = vocab.tokens.length
  // Only "▁" and printable ASCII may win: special and byte tokens get zero output rows, so their logit is exactly 0
  // while the best of ~95 random logits is well above it. Greedy output is then readable ASCII and never ends early.
  const firstText = SPECIAL.length + 256

  const weight = (name: string, dims: number[], fanIn: number, zeroRows = 0): GgufTensorSpec => ({
    name,
    dims,
    type: options.type,
    data: () => seededUniform(dims[0]! * (dims[1] ?? 1), streamSeed(options.seed, name), Math.sqrt(3 / fanIn)).fill(0, 0, zeroRows * dims[0]!),
  })
  const norm = (name: string): GgufTensorSpec => ({ name, dims: [embedding], type: 'f32', data: () => new Float32Array(embedding).fill(1) })

  const peaked = options.preset === 'peaked'
  // Peaked: the layers whisper (their weights are scaled down) so the current character's one-hot survives to the
  // output, where each text token's row holds log P(token | character) / sqrt(embedding): RMS norm turns a one-hot
  // into sqrt(embedding) on its axis, so the logits are the bigram log-probabilities themselves.
  const layerScale = peaked ? PEAKED_LAYER_SCALE : 1
  const scaled = (spec: GgufTensorSpec): GgufTensorSpec => (layerScale === 1 ? spec : { ...spec, data: () => (spec.data() as Float32Array).map((v) => v * layerScale) })
  const tensors: GgufTensorSpec[] = [
    peaked ? { name: 'token_embd.weight', dims: [embedding, nVocab], type: options.type, data: () => peakedEmbeddings(embedding, nVocab, firstText, options.seed) } : weight('token_embd.weight', [embedding, nVocab], 1),
  ]
  for (let l = 0; l < layers; l++) {
    tensors.push(
      norm(`blk.${l}.attn_norm.weight`),
      weight(`blk.${l}.attn_q.weight`, [embedding, embedding], embedding),
      weight(`blk.${l}.attn_k.weight`, [embedding, kvEmbedding], embedding),
      weight(`blk.${l}.attn_v.weight`, [embedding, kvEmbedding], embedding),
      scaled(weight(`blk.${l}.attn_output.weight`, [embedding, embedding], embedding)),
      norm(`blk.${l}.ffn_norm.weight`),
      weight(`blk.${l}.ffn_gate.weight`, [embedding, feedForward], embedding),
      weight(`blk.${l}.ffn_up.weight`, [embedding, feedForward], embedding),
      scaled(weight(`blk.${l}.ffn_down.weight`, [feedForward, embedding], feedForward)),
    )
  }
  tensors.push(
    norm('output_norm.weight'),
    peaked ? { name: 'output.weight', dims: [embedding, nVocab], type: options.type, data: () => bigramOutput(embedding, nVocab, firstText) } : weight('output.weight', [embedding, nVocab], embedding, firstText),
  )

  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: `modeldao dev ${options.preset} seed ${options.seed} ${options.type}${layers !== preset.layers ? ` ${layers} layers` : ''}` },
    'general.file_type': { type: 'uint32', value: FILE_TYPE[options.type] },
    'llama.context_length': { type: 'uint32', value: preset.contextLength },
    'llama.embedding_length': { type: 'uint32', value: embedding },
    'llama.block_count': { type: 'uint32', value: layers },
    'llama.feed_forward_length': { type: 'uint32', value: feedForward },
    'llama.rope.dimension_count': { type: 'uint32', value: embedding / heads },
    'llama.attention.head_count': { type: 'uint32', value: heads },
    'llama.attention.head_count_kv': { type: 'uint32', value: kvHeads },
    'llama.attention.layer_norm_rms_epsilon': { type: 'float32', value: 1e-5 },
    'llama.rope.freq_base': { type: 'float32', value: 10000 },
    'llama.vocab_size': { type: 'uint32', value: nVocab },
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: vocab.tokens },
    'tokenizer.ggml.scores': { type: 'float32[]', value: vocab.scores },
    'tokenizer.ggml.token_type': { type: 'int32[]', value: vocab.types },
    'tokenizer.ggml.bos_token_id': { type: 'uint32', value: 1 },
    'tokenizer.ggml.eos_token_id': { type: 'uint32', value: 2 },
    'tokenizer.ggml.unknown_token_id': { type: 'uint32', value: 0 },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
    'tokenizer.ggml.add_space_prefix': { type: 'bool', value: false },
    'tokenizer.chat_template': { type: 'string', value: DEV_CHAT_TEMPLATE },
  }
  const parameters = tensors.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0)
  return { metadata, tensors, parameters }
}

export type WriteDevModelReturnType = { path: string; bytes: number; parameters: number; layers: number }

/** Writes a dev model GGUF (atomically: a partial file is renamed into place). */
export async function writeDevModel(path: string, options: DevModelOptions, onTensor?: (done: number, total: number) => void): Promise<WriteDevModelReturnType> {
  const { metadata, tensors, parameters } = devModelLayout(options)
  const { bytes } = await writeGgufStreaming(path, metadata, tensors, onTensor)
  return { path, bytes, parameters, layers: options.layers ?? devModelPresets[options.preset].layers }
}
