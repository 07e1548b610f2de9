import { open } from 'node:fs/promises'
import { GgufMalformedError } from './errors.js'
import { GGML_TYPES } from './ggmlTypes.js'

/**
 * A GGUF file checked in TypeScript before llama.cpp sees it: llama.cpp trusts the header, and a missing key or a
 * tensor that points past the end can abort the whole process natively, where nothing can catch it.
 */
export type GgufLayout = {
  version: number
  metadata: Map<string, unknown>
  tensors: { name: string; dims: number[]; type: number; offset: number; bytes: number }[]
  /** Where tensor data starts (aligned). */
  dataOffset: number
  fileSize: number
}

/** GGUF metadata value types → fixed byte size (strings and arrays are variable). */
const SCALAR_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 }
const STRING = 8
const ARRAY = 9
const MAX_TENSORS = 1 << 20
const MAX_KEYS = 1 << 20
const MAX_NAME = 64 // GGML_MAX_NAME, including the terminating zero
const MAX_HEADER = 512 * 1024 * 1024

class Truncated extends Error {}
class Problem extends Error {}

/** A bounds-checked little-endian reader over the header bytes. */
class Reader {
  at = 0
  constructor(private readonly buffer: Buffer) {}
  need(bytes: number | bigint) {
    if (BigInt(this.at) + BigInt(bytes) > BigInt(this.buffer.length)) throw new Truncated()
  }
  u8() { this.need(1); return this.buffer.readUInt8(this.at++) }
  u32() { this.need(4); const v = this.buffer.readUInt32LE(this.at); this.at += 4; return v }
  u64() { this.need(8); const v = this.buffer.readBigUInt64LE(this.at); this.at += 8; return v }
  string(what: string): string {
    const length = this.u64()
    if (length > 1n << 30n) throw new Problem(`${what}: a string of ${length} bytes`)
    this.need(length)
    const value = this.buffer.toString('utf8', this.at, this.at + Number(length))
    this.at += Number(length)
    return value
  }
  scalar(type: number): unknown {
    const size = SCALAR_SIZES[type]!
    this.need(size)
    const b = this.buffer
    const at = this.at
    this.at += size
    switch (type) {
      case 0: return b.readUInt8(at)
      case 1: return b.readInt8(at)
      case 2: return b.readUInt16LE(at)
      case 3: return b.readInt16LE(at)
      case 4: return b.readUInt32LE(at)
      case 5: return b.readInt32LE(at)
      case 6: return b.readFloatLE(at)
      case 7: return b.readUInt8(at) !== 0
      case 10: return b.readBigUInt64LE(at)
      case 11: return b.readBigInt64LE(at)
      default: return b.readDoubleLE(at)
    }
  }
  value(type: number, key: string, depth = 0): unknown {
    if (type === STRING) return this.string(key)
    if (type === ARRAY) {
      if (depth > 0) throw new Problem(`${key}: nested arrays are not supported`)
      const elementType = this.u32()
      const count = this.u64()
      if (elementType !== STRING && SCALAR_SIZES[elementType] === undefined) throw new Problem(`${key}: unknown array element type ${elementType}`)
      if (SCALAR_SIZES[elementType] !== undefined) this.need(count * BigInt(SCALAR_SIZES[elementType]))
      else this.need(count * 8n) // every string has at least its length
      const values: unknown[] = []
      for (let i = 0n; i < count; i++) values.push(this.value(elementType, key, depth + 1))
      return values
    }
    if (SCALAR_SIZES[type] === undefined) throw new Problem(`${key}: unknown value type ${type}`)
    return this.scalar(type)
  }
}

function parseHeader(buffer: Buffer, fileSize: number): GgufLayout {
  const r = new Reader(buffer)
  r.need(4)
  if (buffer.toString('ascii', 0, 4) !== 'GGUF') throw new Problem('the file does not start with the "GGUF" magic')
  r.at = 4
  const version = r.u32()
  if (version !== 2 && version !== 3) throw new Problem(`GGUF version ${version} is not supported (2 or 3)`)
  const tensorCount = r.u64()
  const keyCount = r.u64()
  if (tensorCount > MAX_TENSORS) throw new Problem(`the header claims ${tensorCount} tensors`)
  if (keyCount > MAX_KEYS) throw new Problem(`the header claims ${keyCount} metadata keys`)
  const metadata = new Map<string, unknown>()
  for (let i = 0n; i < keyCount; i++) {
    const key = r.string('a metadata key')
    if (metadata.has(key)) throw new Problem(`metadata key ${key} appears twice`)
    metadata.set(key, r.value(r.u32(), key))
  }
  const alignmentValue = metadata.get('general.alignment') ?? 32
  const alignment = Number(alignmentValue)
  if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0) throw new Problem(`general.alignment ${String(alignmentValue)} is not a power of two`)
  const tensors: GgufLayout['tensors'] = []
  const names = new Set<string>()
  for (let i = 0n; i < tensorCount; i++) {
    const name = r.string('a tensor name')
    if (Buffer.byteLength(name) >= MAX_NAME) throw new Problem(`tensor name "${name.slice(0, 80)}" is longer than ${MAX_NAME - 1} bytes`)
    if (names.has(name)) throw new Problem(`tensor ${name} appears twice`)
    names.add(name)
    const nDims = r.u32()
    if (nDims < 1 || nDims > 4) throw new Problem(`tensor ${name} has ${nDims} dimensions (1 to 4)`)
    const dims: number[] = []
    let elements = 1n
    for (let d = 0; d < nDims; d++) {
      const dim = r.u64()
      if (dim < 1n || dim > BigInt(Number.MAX_SAFE_INTEGER)) throw new Problem(`tensor ${name} has dimension ${dim}`)
      elements *= dim
      dims.push(Number(dim))
    }
    const type = r.u32()
    const size = GGML_TYPES[type]
    if (!size) throw new Problem(`tensor ${name} has ggml type ${type}, which this llama.cpp cannot load`)
    if (dims[0]! % size.block !== 0) throw new Problem(`tensor ${name}: its first dimension ${dims[0]} is not a multiple of the ${size.name} block of ${size.block}`)
    const offset = r.u64()
    if (offset % BigInt(alignment) !== 0n) throw new Problem(`tensor ${name}: offset ${offset} is not aligned to ${alignment}`)
    const bytes = (elements / BigInt(size.block)) * BigInt(size.bytes)
    if (offset + bytes > BigInt(fileSize)) throw new Problem(`tensor ${name} ends past the end of the file`)
    tensors.push({ name, dims, type, offset: Number(offset), bytes: Number(bytes) })
  }
  const dataOffset = Math.ceil(r.at / alignment) * alignment
  for (const tensor of tensors) {
    if (dataOffset + tensor.offset + tensor.bytes > fileSize) {
      throw new Problem(`tensor ${tensor.name} needs bytes up to ${dataOffset + tensor.offset + tensor.bytes}, the file has ${fileSize} (truncated?)`)
    }
  }
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset)
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!
    if (previous.offset + previous.bytes > byOffset[i]!.offset) throw new Problem(`tensors ${previous.name} and ${byOffset[i]!.name} overlap`)
  }
  return { version, metadata, tensors, dataOffset, fileSize }
}

const positiveInteger = (value: unknown) => (typeof value === 'number' || typeof value === 'bigint') && Number(value) >= 1 && Number.isSafeInteger(Number(value))

/** What llama.cpp needs of the metadata before it loads an architecture (the keys whose absence aborts it). */
function checkModel(layout: GgufLayout) {
  const m = layout.metadata
  const arch = m.get('general.architecture')
  if (typeof arch !== 'string' || arch === '') throw new Problem('general.architecture is missing')
  for (const key of ['context_length', 'embedding_length', 'block_count']) {
    if (!positiveInteger(m.get(`${arch}.${key}`))) throw new Problem(`${arch}.${key} is missing or not a positive integer`)
  }
  const tokens = m.get('tokenizer.ggml.tokens')
  if (typeof m.get('tokenizer.ggml.model') !== 'string') throw new Problem('tokenizer.ggml.model is missing')
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) throw new Problem('tokenizer.ggml.tokens is missing or not a list of strings')
  for (const key of ['token_type', 'scores']) {
    const list = m.get(`tokenizer.ggml.${key}`)
    if (list !== undefined && (!Array.isArray(list) || list.length !== tokens.length)) throw new Problem(`tokenizer.ggml.${key} does not have one entry per token`)
  }
  for (const key of ['bos_token_id', 'eos_token_id', 'unknown_token_id', 'padding_token_id']) {
    const id = m.get(`tokenizer.ggml.${key}`)
    if (id !== undefined && !(Number(id) >= 0 && Number(id) < tokens.length)) throw new Problem(`tokenizer.ggml.${key} ${String(id)} is outside the ${tokens.length}-token vocabulary`)
  }
  if (arch !== 'llama') return
  const embedding = Number(m.get('llama.embedding_length'))
  const blocks = Number(m.get('llama.block_count'))
  for (const key of ['llama.feed_forward_length', 'llama.attention.head_count']) {
    if (!positiveInteger(m.get(key))) throw new Problem(`${key} is missing or not a positive integer`)
  }
  const heads = Number(m.get('llama.attention.head_count'))
  const kvHeads = Number(m.get('llama.attention.head_count_kv') ?? heads)
  if (embedding % heads !== 0) throw new Problem(`llama.embedding_length ${embedding} is not a multiple of llama.attention.head_count ${heads}`)
  if (!(kvHeads >= 1) || heads % kvHeads !== 0) throw new Problem(`llama.attention.head_count_kv ${kvHeads} does not divide head_count ${heads}`)
  if (typeof m.get('llama.attention.layer_norm_rms_epsilon') !== 'number') throw new Problem('llama.attention.layer_norm_rms_epsilon is missing')
  const byName = new Map(layout.tensors.map((t) => [t.name, t]))
  const expect = (name: string, dims: number[]) => {
    const tensor = byName.get(name)
    if (!tensor) throw new Problem(`tensor ${name} is missing`)
    if (tensor.dims.length !== dims.length || tensor.dims.some((d, i) => d !== dims[i])) throw new Problem(`tensor ${name} is [${tensor.dims}], expected [${dims}]`)
  }
  const kvEmbedding = (embedding / heads) * kvHeads
  expect('token_embd.weight', [embedding, tokens.length])
  expect('output_norm.weight', [embedding])
  if (byName.has('output.weight')) expect('output.weight', [embedding, tokens.length])
  const experts = Number(m.get('llama.expert_count') ?? 0)
  const feedForward = Number(m.get('llama.feed_forward_length'))
  for (let l = 0; l < blocks; l++) {
    expect(`blk.${l}.attn_norm.weight`, [embedding])
    expect(`blk.${l}.attn_q.weight`, [embedding, embedding])
    expect(`blk.${l}.attn_k.weight`, [embedding, kvEmbedding])
    expect(`blk.${l}.attn_v.weight`, [embedding, kvEmbedding])
    expect(`blk.${l}.attn_output.weight`, [embedding, embedding])
    expect(`blk.${l}.ffn_norm.weight`, [embedding])
    if (experts > 0) continue // mixture of experts: other tensor names and shapes
    expect(`blk.${l}.ffn_gate.weight`, [embedding, feedForward])
    expect(`blk.${l}.ffn_up.weight`, [embedding, feedForward])
    expect(`blk.${l}.ffn_down.weight`, [feedForward, embedding])
  }
}

/**
 * Reads and checks a GGUF file's header, metadata and tensor table: bounds, types, sizes, alignment, overlaps, and for
 * llama models every key and tensor llama.cpp requires, with the right shapes.
 * @throws {GgufMalformedError} naming what is wrong.
 */
export async function validateGguf(path: string, hints?: string[]): Promise<GgufLayout> {
  const handle = await open(path, 'r')
  try {
    const fileSize = (await handle.stat()).size
    let length = Math.min(fileSize, 1 << 20)
    for (;;) {
      const buffer = Buffer.alloc(length)
      await handle.read(buffer, 0, length, 0)
      try {
        const layout = parseHeader(buffer, fileSize)
        checkModel(layout)
        return layout
      } catch (error) {
        if (error instanceof Problem) throw new GgufMalformedError(path, error.message, hints)
        if (!(error instanceof Truncated)) throw error
        if (length >= fileSize) throw new GgufMalformedError(path, 'the header runs past the end of the file (truncated?)', hints)
        if (length >= MAX_HEADER) throw new GgufMalformedError(path, `the header is larger than ${MAX_HEADER} bytes`, hints)
        length = Math.min(fileSize, length * 4)
      }
    }
  } finally {
    await handle.close()
  }
}
