import { createHash } from 'node:crypto'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PrefixHasher } from '../../../src/core/ipfs/network/prefixHasher.js'
import { SegmentWriter, type Segment } from '../../../src/core/ipfs/network/segmentWriter.js'
import { seededBytes } from '../../helpers/bytes.js'

describe('SegmentWriter: verified segments landing out of order', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-writer-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  // What a unit fetched block by block does: 32 fetches in flight deliver segments in any order, all in one lane, to
  // a disk slow enough that writes queue up. Every byte must land at its own offset (a race once put a segment into
  // a batch that had started elsewhere in the file while it waited).
  it('32 concurrent deliveries in random order, slow writes: every byte at its offset, and the right sha256', async () => {
    const size = 24 * 1024
    const count = 600
    const expected = Buffer.from(seededBytes(size * count, 'writer'))
    const path = join(dir, 'out.bin')
    const real = await open(path, 'w+')
    const slowDisk = {
      writev: async (buffers: Uint8Array[], position: number) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4))
        return real.writev(buffers, position)
      },
      datasync: () => real.datasync(),
    }
    const segments: Segment[] = Array.from({ length: count }, (_, i) => ({ offset: i * size, size, done: false, inline: new Uint8Array() }))
    const hasher = new PrefixHasher(path)
    const writer = new SegmentWriter(slowDisk as never, segments, hasher, size * count, 'out.bin', () => {})
    const order = segments.map((_, i) => i).sort(() => Math.random() - 0.5)
    const lane = {}
    let next = 0
    const delivery = async () => {
      while (next < order.length) {
        const index = order[next++]!
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2))
        // Two pieces per block, like a block split across received chunks.
        const bytes = expected.subarray(index * size, (index + 1) * size)
        await writer.put(segments[index]!, [bytes.subarray(0, 1000), bytes.subarray(1000)], lane)
      }
    }
    await Promise.all(Array.from({ length: 32 }, delivery))
    await writer.drain()
    expect(segments.every((segment) => segment.done)).toBe(true)
    expect(writer.doneBytes).toBe(size * count)
    expect(await hasher.digest(size * count)).toBe(createHash('sha256').update(expected).digest('hex'))
    await real.close()
    expect((await readFile(path)).equals(expected)).toBe(true)
  })
})
