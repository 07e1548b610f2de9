import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address, Hex } from 'viem'
import { atomicWriteFile } from '../home/atomicWrite.js'

/** Which channel: one per chain, channels contract, payer and operator. */
export type ChannelBookKey = { chainId: number; channels: Address; payer: Address; operator: Address }
export type ChannelBookEntry = ChannelBookKey & { channelId: Hex; openedAt: string }

/**
 * The payment channels a client opened, so the next request to the same operator reuses one instead of opening
 * another. Only a convenience: the channel itself lives on chain, and a lost record is recovered with `--channel`.
 */
export class ChannelBook {
  private readonly file: string

  constructor(folder: string) {
    this.file = join(folder, 'channels.json')
  }

  /** Every recorded channel. */
  async list(): Promise<ChannelBookEntry[]> {
    return this.entries()
  }

  async find(key: ChannelBookKey): Promise<Hex | undefined> {
    return (await this.entries()).find((entry) => ChannelBook.sameKey(entry, key))?.channelId
  }

  /** Whether two keys name the same channel slot (addresses compared case-insensitively). */
  static sameKey(a: ChannelBookKey, b: ChannelBookKey): boolean {
    const same = (x: Address, y: Address) => x.toLowerCase() === y.toLowerCase()
    return a.chainId === b.chainId && same(a.channels, b.channels) && same(a.payer, b.payer) && same(a.operator, b.operator)
  }

  /** Records the channel for its key (replacing an older one), written atomically. */
  async remember(key: ChannelBookKey, channelId: Hex): Promise<void> {
    const kept = (await this.entries()).filter((entry) => !ChannelBook.sameKey(entry, key))
    const entries: ChannelBookEntry[] = [...kept, { ...key, channelId, openedAt: new Date().toISOString() }]
    await atomicWriteFile(this.file, `${JSON.stringify({ version: 1, channels: entries }, null, 2)}\n`)
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
