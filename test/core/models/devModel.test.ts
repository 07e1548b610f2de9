import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gguf } from '@huggingface/gguf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devModelLayout, writeDevModel } from '../../../src/core/models/devModel.js'
import { f16BitsToF32, f32ToF16Bits } from '../../../src/core/models/float16.js'
import { encodeGguf, encodeTensorData } from '../../../src/core/models/ggufWriter.js'
import { validateGguf } from '../../../src/core/models/ggufValidate.js'

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex')

describe('dev models', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-gguf-'))
  })
  afterAll(async () => rm(dir, { recursive: true, force: true }))

  it('are byte-for-byte the same for the same arguments, and differ with seed, type or layers', async () => {
    const write = async (name: string, options: Parameters<typeof writeDevModel>[1]) => {
      await writeDevModel(join(dir, name), options)
      return sha256(join(dir, name))
    }
    const a = await write('a.gguf', { preset: 'tiny', seed: 1, type: 'f32' })
    expect(await write('b.gguf', { preset: 'tiny', seed: 1, type: 'f32' })).toBe(a)
    const others = [
      await write('seed.gguf', { preset: 'tiny', seed: 2, type: 'f32' }),
      await write('f16.gguf', { preset: 'tiny', seed: 1, type: 'f16' }),
      await write('q8.gguf', { preset: 'tiny', seed: 1, type: 'q8_0' }),
      await write('layers.gguf', { preset: 'tiny', seed: 1, type: 'f32', layers: 1 }),
    ]
    expect(new Set([a, ...others]).size).toBe(5)
  })

  it('write a complete llama model that an independent parser reads back', async () => {
    const path = join(dir, 'small.gguf')
    const written = await writeDevModel(path, { preset: 'small', seed: 3, type: 'q8_0' })
    const parsed = await gguf(path, { allowLocalFile: true })
    const metadata = parsed.metadata as Record<string, unknown>
    expect(metadata['general.architecture']).toBe('llama')
    expect(metadata['llama.block_count']).toBe(4)
    expect((metadata['tokenizer.ggml.tokens'] as string[]).length).toBe(354)
    expect(parsed.tensorInfos).toHaveLength(3 + 4 * 9)
    expect(parsed.tensorInfos.find((t) => t.name === 'blk.0.attn_q.weight')?.dtype).toBe(8) // Q8_0
    expect(parsed.tensorInfos.find((t) => t.name === 'blk.0.attn_norm.weight')?.dtype).toBe(0) // norms stay F32
    const layout = await validateGguf(path)
    expect(layout.fileSize).toBe(written.bytes)
    expect(written.parameters).toBe(devModelLayout({ preset: 'small', seed: 3, type: 'q8_0' }).parameters)
  })

  it('share their first layers with a model of fewer layers (the "cheaper model")', () => {
    const full = devModelLayout({ preset: 'tiny', seed: 5, type: 'f32' }).tensors
    const cheap = devModelLayout({ preset: 'tiny', seed: 5, type: 'f32', layers: 1 }).tensors
    const q = (tensors: typeof full) => tensors.find((t) => t.name === 'blk.0.attn_q.weight')!.data()
    expect(q(cheap)).toEqual(q(full))
    expect(cheap.some((t) => t.name.startsWith('blk.1.'))).toBe(false)
  })
})

describe('float16, q8_0 and q4_0 encoding', () => {
  it('round to nearest even like ggml', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00)
    expect(f32ToF16Bits(-2)).toBe(0xc000)
    expect(f32ToF16Bits(65504)).toBe(0x7bff)
    expect(f32ToF16Bits(1e6)).toBe(0x7c00) // overflow to infinity
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001) // smallest subnormal
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00) // halfway, ties to even (down)
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02) // halfway, ties to even (up)
    for (const x of [0.1, -3.75, 1234.5, 6.1e-5]) expect(Math.abs(f16BitsToF32(f32ToF16Bits(x)) - x) / Math.abs(x)).toBeLessThan(1e-3)
  })

  it('quantizes a q8_0 block with an f16 scale of max/127', () => {
    const block = new Float32Array(32).map((_, i) => (i - 16) / 4)
    const bytes = encodeTensorData(block, 'q8_0')
    expect(bytes.length).toBe(34)
    const scale = f16BitsToF32(bytes.readUInt16LE(0))
    expect(scale).toBeCloseTo(4 / 127, 4)
    expect(bytes.readInt8(2)).toBe(-127) // -4 / scale
    expect(bytes.readInt8(2 + 16)).toBe(0)
  })

  it('quantizes a q4_0 block like ggml: scale = the largest-magnitude value / −8, nibbles min(15, trunc(x/d + 8.5))', () => {
    const block = new Float32Array(32).map((_, i) => (i - 16) / 4) // −4 … 3.75: the largest magnitude is −4
    const bytes = encodeTensorData(block, 'q4_0')
    expect(bytes.length).toBe(18)
    const d = f16BitsToF32(bytes.readUInt16LE(0))
    expect(d).toBeCloseTo(0.5, 6) // −4 / −8
    // Element 0 (−4) → trunc(−8 + 8.5) = 0 in the low nibble; element 16 (0) → 8 in the high nibble of byte 0.
    expect(bytes.readUInt8(2) & 0x0f).toBe(0)
    expect(bytes.readUInt8(2) >> 4).toBe(8)
    // Element 31 (3.75) → min(15, trunc(7.5 + 8.5)) = 15.
    expect(bytes.readUInt8(2 + 15) >> 4).toBe(15)
    // Dequantized, every value is within half a step of its input (except the clamp at the top).
    for (let j = 0; j < 16; j++) {
      for (const [i, q] of [[j, bytes.readUInt8(2 + j) & 0x0f], [16 + j, bytes.readUInt8(2 + j) >> 4]] as const) {
        if (i === 31) continue
        expect(Math.abs((q - 8) * d - block[i]!)).toBeLessThanOrEqual(d / 2 + 1e-6)
      }
    }
  })
})

describe('GGUF validation refuses what would crash llama.cpp', () => {
  let dir: string
  let good: Buffer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-gguf-bad-'))
    await writeDevModel(join(dir, 'good.gguf'), { preset: 'tiny', seed: 1, type: 'f32' })
    good = await readFile(join(dir, 'good.gguf'))
  })
  afterAll(async () => rm(dir, { recursive: true, force: true }))

  const withMetadata = (edit: (metadata: ReturnType<typeof devModelLayout>['metadata']) => void) => {
    const { metadata, tensors } = devModelLayout({ preset: 'tiny', seed: 1, type: 'f32' })
    edit(metadata)
    return encodeGguf(metadata, tensors.map((t) => ({ name: t.name, dims: t.dims, data: t.data(), type: t.type })))
  }

  const cases: [string, () => Buffer | Promise<Buffer>, RegExp][] = [
    ['bad magic', () => Buffer.concat([Buffer.from('GGUX'), good.subarray(4)]), /"GGUF" magic/],
    ['unknown version', () => { const b = Buffer.from(good); b.writeUInt32LE(7, 4); return b }, /version 7/],
    ['absurd tensor count', () => { const b = Buffer.from(good); b.writeBigUInt64LE(1n << 40n, 8); return b }, /claims \d+ tensors/],
    ['missing feed_forward_length (a native abort in llama.cpp)', () => withMetadata((m) => delete m['llama.feed_forward_length']), /feed_forward_length is missing/],
    ['missing head_count', () => withMetadata((m) => delete m['llama.attention.head_count']), /head_count is missing/],
    ['missing rms epsilon', () => withMetadata((m) => delete m['llama.attention.layer_norm_rms_epsilon']), /layer_norm_rms_epsilon/],
    ['a wrong embedding width', () => withMetadata((m) => (m['llama.embedding_length'] = { type: 'uint32', value: 96 })), /token_embd.weight is \[64,354\], expected \[96,354\]/],
    ['token types that do not match the vocabulary', () => withMetadata((m) => (m['tokenizer.ggml.token_type'] = { type: 'int32[]', value: [1, 2] })), /one entry per token/],
    ['an eos id outside the vocabulary', () => withMetadata((m) => (m['tokenizer.ggml.eos_token_id'] = { type: 'uint32', value: 5000 })), /outside the 354-token vocabulary/],
    ['a truncated file', () => good.subarray(0, good.length - 1000), /truncated|past the end/],
    ['a truncated header', () => good.subarray(0, 100), /past the end of the file/],
  ]
  for (const [what, make, message] of cases) {
    it(`names ${what}`, async () => {
      const path = join(dir, 'bad.gguf')
      await writeFile(path, await make())
      await expect(validateGguf(path)).rejects.toMatchObject({ code: 'GGUF_MALFORMED', message: expect.stringMatching(message) })
    })
  }

  it('names an unknown tensor type and a tensor past the end', async () => {
    const path = join(dir, 'bad-type.gguf')
    const bytes = Buffer.from(good)
    // The first tensor info follows the metadata: find its name and patch the type after its dims.
    const name = Buffer.from('token_embd.weight')
    const at = bytes.indexOf(name) + name.length
    const typeAt = at + 4 + 2 * 8
    bytes.writeUInt32LE(4, typeAt) // Q4_2, removed from ggml
    await writeFile(path, bytes)
    await expect(validateGguf(path)).rejects.toThrow(/ggml type 4/)
    bytes.writeUInt32LE(0, typeAt)
    bytes.writeBigUInt64LE(BigInt(good.length), typeAt + 4)
    await writeFile(path, bytes)
    await expect(validateGguf(path)).rejects.toThrow(/past the end/)
  })

  it('accepts every preset type and a file with extra bytes at the end', async () => {
    const path = join(dir, 'padded.gguf')
    await writeFile(path, Buffer.concat([good, Buffer.alloc(64)]))
    await expect(validateGguf(path)).resolves.toMatchObject({ version: 3 })
    await truncate(path, good.length)
    await expect(validateGguf(path)).resolves.toMatchObject({ tensors: expect.any(Array) })
  })
})
