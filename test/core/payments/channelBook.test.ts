import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChannelBook, type ChannelBookKey } from '../../../src/core/payments/channelBook.js'

const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as const
const channel = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const
const key = (operator: number): ChannelBookKey => ({ chainId: 31337, channels: address(0xc0), payer: address(0xa1), operator: address(operator) })

describe('ChannelBook', () => {
  let folder: string
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'modeldao-book-'))
  })
  afterEach(async () => rm(folder, { recursive: true, force: true }))

  it('finds the latest channel of a slot, keeps the older ones listed, and matches addresses in any case', async () => {
    const book = new ChannelBook(join(folder, 'client'))
    expect(await book.find(key(1))).toBeUndefined()
    await book.remember(key(1), channel(1))
    await book.remember(key(1), channel(2))
    await book.remember(key(2), channel(3))
    expect(await book.find(key(1))).toBe(channel(2))
    expect(await book.find({ ...key(1), operator: address(1).toUpperCase().replace('0X', '0x') as `0x${string}` })).toBe(channel(2))
    expect(await book.find({ ...key(1), chainId: 1 })).toBeUndefined()
    expect((await book.list()).map((e) => e.channelId)).toEqual([channel(1), channel(2), channel(3)])
  })

  it('loses no channel when many are recorded at once (the read-modify-write is locked)', async () => {
    const book = new ChannelBook(folder)
    await Promise.all(Array.from({ length: 20 }, (_, i) => new ChannelBook(folder).remember(key(i + 1), channel(i + 1))))
    expect((await book.list()).map((e) => e.channelId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => channel(i + 1)).sort())
  })

  it('takes over a lock left by a process that died holding it', async () => {
    const book = new ChannelBook(folder)
    await writeFile(join(folder, 'channels.json.lock'), '')
    const { utimes } = await import('node:fs/promises')
    const old = new Date(Date.now() - 60_000)
    await utimes(join(folder, 'channels.json.lock'), old, old)
    await book.remember(key(1), channel(1))
    expect(await book.find(key(1))).toBe(channel(1))
  })
})
