import { open } from 'node:fs/promises'

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

/** A tensor: dims with the contiguous dimension first (GGUF order); F32 data. */
export type GgufTensor = { name: string; dims: number[]; data: Float32Array }

const TYPE_ID = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10 } as const
const GGML_F32 = 0
const ALIGNMENT = 32

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

/** Serialises a GGUF v3 file (F32 tensors) to bytes. */
export function encodeGguf(metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Buffer {
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
    const elements = tensor.dims.reduce((a, b) => a * b, 1)
    if (elements !== tensor.data.length) throw new Error(`tensor ${tensor.name}: dims hold ${elements} values, data has ${tensor.data.length}`)
    w.str(tensor.name)
    w.u32(tensor.dims.length)
    tensor.dims.forEach((d) => w.u64(d))
    w.u32(GGML_F32)
    w.u64(offset)
    offset += Math.ceil((tensor.data.byteLength) / ALIGNMENT) * ALIGNMENT
  }
  w.pad(ALIGNMENT)
  for (const tensor of tensors) {
    w.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength))
    w.pad(ALIGNMENT)
  }
  return w.concat()
}

/** Writes a GGUF v3 file. */
export async function writeGguf(path: string, metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Promise<void> {
  const handle = await open(path, 'w')
  try {
    await handle.writeFile(encodeGguf(metadata, tensors))
  } finally {
    await handle.close()
  }
}
