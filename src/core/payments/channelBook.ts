import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Address, Hex } from 'viem'
import { atomicWriteFile } from '../home/atomicWrite.js'

/** Which channel slot: one chain, channels contract, payer and operator. */
export type ChannelBookKey = { chainId: number; channels: Address; payer: Address; operator: Address }
export type ChannelBookEntry = ChannelBookKey & { channelId: Hex; openedAt: string }

const LOCK_WAIT_MS = 5_000
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 30_000

/**
 * The payment channels a client opened, so the next request to the same operator reuses the latest one instead of
 * opening another. Every channel stays listed (an older one may still hold money). Only a convenience: the channels
 * live on chain, and a lost record is recovered with `--channel`.
 */
export class ChannelBook {
  private readonly file: string

  constructor(folder: string) {
    this.file = join(folder, 'channels.json')
  }

  /** Every recorded channel, oldest first. */
  async list(): Promise<ChannelBookEntry[]> {
    return this.entries()
  }

  /** The latest channel recorded for the slot. */
  async find(key: ChannelBookKey): Promise<Hex | undefined> {
    return ChannelBook.latest(await this.entries(), key)
  }

  /** The latest channel of the slot among entries already read (`list()`). */
  static latest(entries: readonly ChannelBookEntry[], key: ChannelBookKey): Hex | undefined {
    return entries.filter((entry) => ChannelBook.sameKey(entry, key)).at(-1)?.channelId
  }

  /** Whether two keys name the same channel slot (addresses compared case-insensitively). */
  static sameKey(a: ChannelBookKey, b: ChannelBookKey): boolean {
    const same = (x: Address, y: Address) => x.toLowerCase() === y.toLowerCase()
    return a.chainId === b.chainId && same(a.channels, b.channels) && same(a.payer, b.payer) && same(a.operator, b.operator)
  }

  /** Records a channel as the slot's latest, under a lock so that two processes recording at once both keep theirs. */
  async remember(key: ChannelBookKey, channelId: Hex): Promise<void> {
    await this.locked(async () => {
      const kept = (await this.entries()).filter((entry) => entry.channelId.toLowerCase() !== channelId.toLowerCase())
      const entries: ChannelBookEntry[] = [...kept, { ...key, channelId, openedAt: new Date().toISOString() }]
      await atomicWriteFile(this.file, `${JSON.stringify({ version: 1, channels: entries }, null, 2)}\n`)
    })
  }

  private async locked(work: () => Promise<void>): Promise<void> {
    const lock = `${this.file}.lock`
    const deadline = Date.now() + LOCK_WAIT_MS
    for (;;) {
      try {
        await (await open(lock, 'wx')).close()
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          await mkdir(dirname(lock), { recursive: true })
          continue
        }
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()))
        if (age > STALE_LOCK_MS) await rm(lock, { force: true })
        else if (Date.now() > deadline) throw new Error(`${lock} has been held for over ${LOCK_WAIT_MS / 1000} s; remove it if no modeldao process is running`)
        else await new Promise((r) => setTimeout(r, 25))
      }
    }
    try {
      await work()
    } finally {
      await rm(lock, { force: true })
    }
  }

  private async entries(): Promise<ChannelBookEntry[]> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const parsed = JSON.parse(text) as { version?: number; channels?: ChannelBookEntry[] }
    return Array.isArray(parsed.channels) ? parsed.channels : []
  }
}
