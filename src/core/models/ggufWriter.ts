import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { f32ToF16Bits } from './float16.js'

/** A GGUF metadata value with its explicit type (GGUF v3 type ids). */
export type GgufValue =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'uint64'; value: bigint }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'float32[]'; value: number[] }
  | { type: 'int32[]'; value: number[] }

/** The tensor encodings the writer produces (ggml type ids 0, 1, 8 and 2). */
export type GgufTensorType = 'f32' | 'f16' | 'q8_0' | 'q4_0'

/** A tensor: dims with the contiguous dimension first (GGUF order); F32 data, encoded as `type` (default f32). */
export type GgufTensor = { name: string; dims: number[]; data: Float32Array; type?: GgufTensorType }

/** A tensor whose data is made only when it is written, so a 1 GB model never sits in memory whole. */
export type GgufTensorSpec = { name: string; dims: number[]; type: GgufTensorType; data: () => Float32Array }

const TYPE_ID = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10 } as const
const GGML_TYPE_ID: Record<GgufTensorType, number> = { f32: 0, f16: 1, q8_0: 8, q4_0: 2 }
const ALIGNMENT = 32
const Q8_BLOCK = 32
/** Q8_0 block: an f16 scale and 32 signed bytes. */
const Q8_BLOCK_BYTES = 34
/** Q4_0 block: an f16 scale and 32 four-bit values, two to a byte (the first 16 in the low nibbles). */
const Q4_BLOCK_BYTES = 18

class ByteWriter {
  private parts: Buffer[] = []
  length = 0
  push(buffer: Buffer) {
    this.parts.push(buffer)
    this.length += buffer.length
  }
  u32(n: number) {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(n)
    this.push(b)
  }
  i32(n: number) {
    const b = Buffer.alloc(4)
    b.writeInt32LE(n)
    this.push(b)
  }
  u64(n: bigint | number) {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE(BigInt(n))
    this.push(b)
  }
  f32(n: number) {
    const b = Buffer.alloc(4)
    b.writeFloatLE(n)
    this.push(b)
  }
  str(s: string) {
    const bytes = Buffer.from(s, 'utf8')
    this.u64(bytes.length)
    this.push(bytes)
  }
  pad(to: number) {
    const rest = (to - (this.length % to)) % to
    if (rest) this.push(Buffer.alloc(rest))
  }
  concat() {
    return Buffer.concat(this.parts)
  }
}

function writeValue(w: ByteWriter, value: GgufValue) {
  switch (value.type) {
    case 'uint32': return w.u32(value.value)
    case 'int32': return w.i32(value.value)
    case 'uint64': return w.u64(value.value)
    case 'float32': return w.f32(value.value)
    case 'bool': return w.push(Buffer.from([value.value ? 1 : 0]))
    case 'string': return w.str(value.value)
    case 'string[]':
      w.u32(TYPE_ID.string)
      w.u64(value.value.length)
      return value.value.forEach((s) => w.str(s))
    case 'float32[]':
      w.u32(TYPE_ID.float32)
      w.u64(value.value.length)
      return value.value.forEach((n) => w.f32(n))
    case 'int32[]':
      w.u32(TYPE_ID.int32)
      w.u64(value.value.length)
      return value.value.forEach((n) => w.i32(n))
  }
}

const typeIdOf = (value: GgufValue) => (value.type.endsWith('[]') ? TYPE_ID.array : TYPE_ID[value.type as keyof typeof TYPE_ID])
const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1)
const padded = (bytes: number) => Math.ceil(bytes / ALIGNMENT) * ALIGNMENT

/** Bytes a tensor takes in the file before padding. */
export function tensorBytes(dims: readonly number[], type: GgufTensorType): number {
  const elements = elementCount(dims)
  if (type === 'f32') return elements * 4
  if (type === 'f16') return elements * 2
  return (elements / Q8_BLOCK) * (type === 'q4_0' ? Q4_BLOCK_BYTES : Q8_BLOCK_BYTES)
}

/** Encodes F32 values as the tensor type, the way llama.cpp's reference quantizer does (round half away from zero). */
export function encodeTensorData(data: Float32Array, type: GgufTensorType): Buffer {
  if (type === 'f32') return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (type === 'f16') {
    const out = Buffer.allocUnsafe(data.length * 2)
    for (let i = 0; i < data.length; i++) out.writeUInt16LE(f32ToF16Bits(data[i]!), i * 2)
    return out
  }
  if (type === 'q4_0') return encodeQ4_0(data)
  const blocks = data.length / Q8_BLOCK
  const out = Buffer.allocUnsafe(blocks * Q8_BLOCK_BYTES)
  for (let b = 0; b < blocks; b++) {
    const base = b * Q8_BLOCK
    let amax = 0
    for (let i = 0; i < Q8_BLOCK; i++) amax = Math.max(amax, Math.abs(data[base + i]!))
    const d = Math.fround(amax / 127)
    const id = d ? Math.fround(1 / d) : 0
    const at = b * Q8_BLOCK_BYTES
    out.writeUInt16LE(f32ToF16Bits(d), at)
    for (let i = 0; i < Q8_BLOCK; i++) {
      const x = Math.fround(data[base + i]! * id)
      out.writeInt8(Math.max(-128, Math.min(127, x < 0 ? -Math.round(-x) : Math.round(x))), at + 2 + i)
    }
  }
  return out
}

/**
 * Q4_0 as ggml's reference quantizer writes it: the scale is the block's value of largest magnitude divided by −8,
 * each value becomes min(15, trunc(x / d + 8.5)).
 */
function encodeQ4_0(data: Float32Array): Buffer {
  const blocks = data.length / Q8_BLOCK
  const out = Buffer.alloc(blocks * Q4_BLOCK_BYTES)
  const half = Q8_BLOCK / 2
  for (let b = 0; b < blocks; b++) {
    const base = b * Q8_BLOCK
    let amax = 0
    let max = 0
    for (let i = 0; i < Q8_BLOCK; i++) {
      const v = data[base + i]!
      if (Math.abs(v) > amax) {
        amax = Math.abs(v)
        max = v
      }
    }
    const d = Math.fround(max / -8)
    const id = d ? Math.fround(1 / d) : 0
    const at = b * Q4_BLOCK_BYTES
    out.writeUInt16LE(f32ToF16Bits(d), at)
    for (let j = 0; j < half; j++) {
      const lo = Math.min(15, Math.trunc(Math.fround(data[base + j]! * id) + 8.5))
      const hi = Math.min(15, Math.trunc(Math.fround(data[base + half + j]! * id) + 8.5))
      out.writeUInt8(lo | (hi << 4), at + 2 + j)
    }
  }
  return out
}

function checkTensor(name: string, dims: readonly number[], type: GgufTensorType) {
  if (dims.length === 0 || dims.length > 4 || dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new Error(`tensor ${name}: dims must be 1 to 4 positive integers`)
  if ((type === 'q8_0' || type === 'q4_0') && dims[0]! % Q8_BLOCK !== 0) throw new Error(`tensor ${name}: ${type} needs its first dimension to be a multiple of ${Q8_BLOCK}`)
}

/** The header (magic, metadata, tensor table) padded to the data start. */
function encodeHeader(metadata: Record<string, GgufValue>, tensors: readonly { name: string; dims: number[]; type: GgufTensorType }[]): Buffer {
  const w = new ByteWriter()
  w.push(Buffer.from('GGUF', 'ascii'))
  w.u32(3)
  w.u64(tensors.length)
  w.u64(Object.keys(metadata).length)
  for (const [key, value] of Object.entries(metadata)) {
    w.str(key)
    w.u32(typeIdOf(value))
    writeValue(w, value)
  }
  let offset = 0
  for (const tensor of tensors) {
    checkTensor(tensor.name, tensor.dims, tensor.type)
    w.str(tensor.name)
    w.u32(tensor.dims.length)
    tensor.dims.forEach((d) => w.u64(d))
    w.u32(GGML_TYPE_ID[tensor.type])
    w.u64(offset)
    offset += padded(tensorBytes(tensor.dims, tensor.type))
  }
  w.pad(ALIGNMENT)
  return w.concat()
}

/** Serialises a GGUF v3 file to bytes (small models and fixtures). */
export function encodeGguf(metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Buffer {
  const specs = tensors.map((t) => ({ name: t.name, dims: t.dims, type: t.type ?? 'f32' }))
  const parts = [encodeHeader(metadata, specs)]
  for (const tensor of tensors) {
    if (elementCount(tensor.dims) !== tensor.data.length) throw new Error(`tensor ${tensor.name}: dims hold ${elementCount(tensor.dims)} values, data has ${tensor.data.length}`)
    const bytes = encodeTensorData(tensor.data, tensor.type ?? 'f32')
    parts.push(bytes, Buffer.alloc(padded(bytes.length) - bytes.length))
  }
  return Buffer.concat(parts)
}

/** Writes a GGUF v3 file. */
export async function writeGguf(path: string, metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Promise<void> {
  await writeGgufStreaming(
    path,
    metadata,
    tensors.map((t) => ({ name: t.name, dims: t.dims, type: t.type ?? 'f32', data: () => t.data })),
  )
}

/**
 * Writes a GGUF v3 file one tensor at a time (each made by its `data()` only when its turn comes), into a hidden
 * partial file renamed into place at the end: an interrupted write never leaves a file that looks whole.
 */
export async function writeGgufStreaming(
  path: string,
  metadata: Record<string, GgufValue>,
  tensors: readonly GgufTensorSpec[],
  onTensor?: (done: number, total: number) => void,
): Promise<{ bytes: number }> {
  const partial = `${path}.partial`
  await mkdir(dirname(path), { recursive: true })
  const handle = await open(partial, 'w')
  let bytes = 0
  try {
    const header = encodeHeader(metadata, tensors)
    await handle.write(header)
    bytes += header.length
    for (const [i, tensor] of tensors.entries()) {
      const data = tensor.data()
      if (elementCount(tensor.dims) !== data.length) throw new Error(`tensor ${tensor.name}: dims hold ${elementCount(tensor.dims)} values, data has ${data.length}`)
      const encoded = encodeTensorData(data, tensor.type)
      const padding = padded(encoded.length) - encoded.length
      await handle.write(padding ? Buffer.concat([encoded, Buffer.alloc(padding)]) : encoded)
      bytes += encoded.length + padding
      onTensor?.(i + 1, tensors.length)
    }
    await handle.close()
    await rename(partial, path)
    return { bytes }
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(partial, { force: true })
    throw error
  }
}
