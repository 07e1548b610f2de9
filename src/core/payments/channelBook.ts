import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Address, Hex } from 'viem'
import { atomicWriteFile } from '../home/atomicWrite.js'
import type { ChannelLedger, ChannelLedgerEntry } from './payingFetch.js'

type Account = { spent: string; lastCumulative: string; inFlight?: Record<string, { ceiling: string; at: string }> }
type BookFile = { version?: number; channels?: ChannelBookEntry[]; accounts?: Record<string, Account> }

/** A reservation older than this was left by a process that died mid-request: it no longer counts as in flight. */
const STALE_IN_FLIGHT_MS = 60 * 60_000

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
      const book = await this.read()
      const kept = (book.channels ?? []).filter((entry) => entry.channelId.toLowerCase() !== channelId.toLowerCase())
      await this.write({ ...book, channels: [...kept, { ...key, channelId, openedAt: new Date().toISOString() }] })
    })
  }

  /**
   * What this home's clients account for on each (channel, model): the sum of the checked bills and the last voucher a
   * node accepted. A paying fetch reads it when it starts, so a node cannot claim more than was billed from one chat
   * to the next.
   */
  ledger(): ChannelLedger {
    const id = (channelId: Hex, modelId: string) => `${channelId.toLowerCase()}:${modelId}`
    const live = (account: Account | undefined) => Object.entries(account?.inFlight ?? {}).filter(([, r]) => Date.now() - Date.parse(r.at) < STALE_IN_FLIGHT_MS)
    const update = (channelId: Hex, modelId: string, change: (account: Account) => Account) =>
      this.locked(async () => {
        const book = await this.read()
        const account = book.accounts?.[id(channelId, modelId)] ?? { spent: '0', lastCumulative: '0' }
        await this.write({ ...book, accounts: { ...book.accounts, [id(channelId, modelId)]: change({ ...account, inFlight: Object.fromEntries(live(account)) }) } })
      })
    return {
      read: async (channelId, modelId): Promise<ChannelLedgerEntry | undefined> => {
        const account = (await this.read()).accounts?.[id(channelId, modelId)]
        if (!account || !/^\d+$/.test(account.spent) || !/^\d+$/.test(account.lastCumulative)) return undefined
        const inFlight = live(account).reduce((sum, [, r]) => sum + (/^\d+$/.test(r.ceiling) ? BigInt(r.ceiling) : 0n), 0n)
        return { spent: BigInt(account.spent), lastCumulative: BigInt(account.lastCumulative), inFlight }
      },
      reserve: (channelId, modelId, requestId, ceiling) => update(channelId, modelId, (account) => ({ ...account, inFlight: { ...account.inFlight, [requestId]: { ceiling: ceiling.toString(), at: new Date().toISOString() } } })),
      book: (channelId, modelId, requestId, entry) =>
        update(channelId, modelId, (account) => {
          const { [requestId]: _done, ...rest } = account.inFlight ?? {}
          const last = BigInt(account.lastCumulative)
          return { spent: (BigInt(account.spent) + entry.spent).toString(), lastCumulative: (entry.accepted !== undefined && entry.accepted > last ? entry.accepted : last).toString(), inFlight: rest }
        }),
    }
  }

  /** What this home's clients accounted for on a channel, per model (base units). */
  async spent(channelId: Hex): Promise<Record<string, bigint>> {
    const prefix = `${channelId.toLowerCase()}:`
    const found: Record<string, bigint> = {}
    for (const [key, entry] of Object.entries((await this.read()).accounts ?? {})) if (key.startsWith(prefix)) found[key.slice(prefix.length)] = BigInt(entry.spent)
    return found
  }

  private async write(book: BookFile): Promise<void> {
    await atomicWriteFile(this.file, `${JSON.stringify({ version: 1, channels: book.channels ?? [], ...(book.accounts ? { accounts: book.accounts } : {}) }, null, 2)}\n`)
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
    const parsed = await this.read()
    return Array.isArray(parsed.channels) ? parsed.channels : []
  }

  private async read(): Promise<BookFile> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw error
    }
    return JSON.parse(text) as BookFile
  }
}
