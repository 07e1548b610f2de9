import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { parseEventLogs, type Abi, type Address, type Log } from 'viem'
import type { ChainConnection } from '../chain/rpc/connection.js'
import { protocolArtifacts } from '../chain/protocol/registry.js'
import { EventApplier, eventSubjects, type IndexedContract, type IndexedEvent } from './apply.js'
import { CHAIN_TABLES, SCHEMA, SCHEMA_VERSION } from './schema.js'

/** Which chain and contracts an index belongs to: any difference means another chain, so the index is rebuilt. */
export type IndexIdentity = {
  chainId: number
  genesisHash: string
  modelShares: Address
  shareOffering: Address
  /** The DAO contracts (absent in deployments made before governance). Each model's governor is found by its DaoCreated. */
  governance?: { daoFactory: Address; datasetRegistry: Address; qualityStaking: Address } | undefined
  /** First block to read logs from (the deployment block). */
  fromBlock: number
}

export type IndexSyncProgress = { fromBlock: number; toBlock: number; headBlock: number; events: number }

export type IndexSyncResult = {
  /** Why the index was emptied before this sync (another chain, a reset chain, a deep reorg, a new schema). */
  rebuilt?: string | undefined
  /** Blocks rolled back because their hashes changed (a reorg of the last blocks). */
  rolledBack?: { fromBlock: number; blocks: number; events: number } | undefined
  fromBlock: number
  toBlock: number
  events: number
  /** Head block's timestamp (unix seconds): "now" for offering windows. */
  headTime: number
}

/** How many stored blocks a reorg may roll back before the index gives up and rebuilds. */
export const REORG_DEPTH = 128
/** Blocks per eth_getLogs request; halved when a provider refuses a range as too large. */
const LOG_RANGE = 50_000

const indexedAbis = [
  protocolArtifacts.ModelShares.abi,
  protocolArtifacts.ShareOffering.abi,
  protocolArtifacts.DaoFactory.abi,
  protocolArtifacts.DatasetRegistry.abi,
  protocolArtifacts.QualityStaking.abi,
  protocolArtifacts.ModelGovernor.abi,
] as readonly Abi[]
const protocolEventsAbi: Abi = indexedAbis.flat().filter(
  (item, i, all) => item.type === 'event' && all.findIndex((other) => other.type === 'event' && other.name === item.name) === i,
) as Abi

const jsonArg = (value: unknown): string | number | boolean | string[] => {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return value.startsWith('0x') && value.length === 42 ? value.toLowerCase() : value
  if (Array.isArray(value)) return value.map((item) => String(jsonArg(item)))
  return value as number | boolean
}

/**
 * The local index of the protocol's logs on one chain: models, balances, offerings and fee history, in SQLite
 * (`node:sqlite`), updated incrementally by block range. Reorg-safe: the hash of every block with indexed logs and of
 * each sync's tip is stored; a tip whose hash changed is walked back to the newest block that still matches and the
 * events above it are rolled back exactly (see EventApplier) before reading on. Another chain, a reset chain or a new
 * schema empties it first.
 */
export class ChainIndex {
  readonly db: DatabaseSync
  private readonly applier: EventApplier

  private constructor(
    readonly file: string,
    readonly identity: IndexIdentity,
  ) {
    this.db = new DatabaseSync(file)
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;')
    this.db.exec(SCHEMA)
    this.applier = new EventApplier(this.db)
  }

  /** Opens (creating) `<folder>/<chainId>.sqlite`. A file that is not a database is replaced: the index is a cache. */
  static open(folder: string, identity: IndexIdentity): ChainIndex {
    mkdirSync(folder, { recursive: true })
    const file = join(folder, `${identity.chainId}.sqlite`)
    try {
      return new ChainIndex(file, identity)
    } catch {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
      return new ChainIndex(file, identity)
    }
  }

  close() {
    if (this.db.isOpen) this.db.close()
  }

  [Symbol.dispose]() {
    this.close()
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value
  }

  private setMeta(key: string, value: string | number) {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, String(value))
  }

  /** Last block whose logs are applied (fromBlock - 1 when none is). */
  get syncedBlock(): number {
    return Number(this.meta('syncedBlock') ?? this.identity.fromBlock - 1)
  }

  /** Why the stored index cannot be used for this identity, if it cannot. */
  private mismatch(): string | undefined {
    const stored = this.meta('identity')
    if (stored === undefined) return this.meta('syncedBlock') === undefined ? undefined : 'it has no identity'
    if (Number(this.meta('schema')) !== SCHEMA_VERSION) return `its schema is version ${this.meta('schema')}, this modeldao uses ${SCHEMA_VERSION}`
    const was = JSON.parse(stored) as IndexIdentity
    if (was.genesisHash !== this.identity.genesisHash) return `the chain's genesis block changed (${was.genesisHash} → ${this.identity.genesisHash}): a reset or another chain`
    if (was.modelShares !== this.identity.modelShares || was.shareOffering !== this.identity.shareOffering) return 'the protocol was redeployed at other addresses'
    if (JSON.stringify(was.governance ?? null) !== JSON.stringify(this.identity.governance ?? null)) return 'the DAO contracts were deployed at other addresses'
    if (was.fromBlock !== this.identity.fromBlock) return 'the deployment block changed'
    return undefined
  }

  /** Empties every chain table and records the identity: the next sync reads all logs again. */
  reset() {
    this.transaction(() => {
      for (const table of CHAIN_TABLES) this.db.exec(`DELETE FROM ${table}`)
      this.setMeta('identity', JSON.stringify(this.identity))
      this.setMeta('schema', SCHEMA_VERSION)
    })
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = work()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  /**
   * Brings the index to the chain's head: checks identity, rolls back a reorg, reads the new logs by block range.
   * Safe to run from several processes at once (each range is applied in a transaction that checks where the index
   * stands first).
   */
  async sync(connection: ChainConnection, options: { onProgress?: ((event: IndexSyncProgress) => void) | undefined; signal?: AbortSignal | undefined } = {}): Promise<IndexSyncResult> {
    const result: Omit<IndexSyncResult, 'fromBlock' | 'toBlock' | 'headTime'> = { events: 0 }
    const mismatch = this.mismatch()
    if (mismatch) result.rebuilt = mismatch
    if (mismatch || this.meta('identity') === undefined) this.reset()

    const head = await connection.publicClient.getBlock({ blockTag: 'latest' })
    const headNumber = Number(head.number)
    const rolledBack = await this.rollBackReorg(connection, headNumber)
    if (rolledBack === 'too-deep') {
      result.rebuilt = `a reorg deeper than ${REORG_DEPTH} indexed blocks (or a reset chain)`
      this.reset()
    } else if (rolledBack) result.rolledBack = rolledBack

    const fromBlock = this.syncedBlock + 1
    let from = fromBlock
    let range = LOG_RANGE
    while (from <= headNumber) {
      options.signal?.throwIfAborted()
      const to = Math.min(headNumber, from + range - 1)
      let logs: Log[]
      try {
        logs = await this.readLogs(connection, from, to)
      } catch (error) {
        if (range > 1) {
          range = Math.max(1, Math.floor(range / 2))
          continue
        }
        throw error
      }
      const events = this.decode(logs)
      const applied = this.transaction(() => {
        // Another process got here first: start over from where it left the index.
        if (this.syncedBlock !== from - 1) return false
        this.applyEvents(events, logs)
        if (to === headNumber) this.db.prepare('INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)').run(headNumber, head.hash)
        this.setMeta('syncedBlock', to)
        return true
      })
      if (!applied) {
        from = this.syncedBlock + 1
        continue
      }
      result.events += events.length
      options.onProgress?.({ fromBlock: from, toBlock: to, headBlock: headNumber, events: result.events })
      from = to + 1
    }
    return { ...result, fromBlock, toBlock: headNumber, headTime: Number(head.timestamp) }
  }

  /** The fixed protocol contracts whose logs are read, by lower-case address. */
  private get fixedContracts(): Map<string, IndexedContract> {
    const { modelShares, shareOffering, governance } = this.identity
    const map = new Map<string, IndexedContract>([
      [modelShares.toLowerCase(), 'ModelShares'],
      [shareOffering.toLowerCase(), 'ShareOffering'],
    ])
    if (governance) {
      map.set(governance.daoFactory.toLowerCase(), 'DaoFactory')
      map.set(governance.datasetRegistry.toLowerCase(), 'DatasetRegistry')
      map.set(governance.qualityStaking.toLowerCase(), 'QualityStaking')
    }
    return map
  }

  /** Each model's governor, by lower-case address: its model id. */
  private governors(): Map<string, number> {
    const rows = this.db.prepare('SELECT model_id, governor FROM daos').all() as { model_id: number; governor: string }[]
    return new Map(rows.map((row) => [row.governor.toLowerCase(), row.model_id]))
  }

  /**
   * The logs of one block range: the fixed contracts and every known governor; a DAO created inside the range adds
   * its governor, whose logs of the same range are read too (a proposal can follow its DAO's creation within it).
   */
  private async readLogs(connection: ChainConnection, from: number, to: number): Promise<Log[]> {
    const known = this.governors()
    const range = { fromBlock: BigInt(from), toBlock: BigInt(to) }
    const logs = await connection.publicClient.getLogs({ address: [...this.fixedContracts.keys(), ...known.keys()] as Address[], ...range })
    const factory = this.identity.governance?.daoFactory.toLowerCase()
    const created = factory
      ? parseEventLogs({ abi: protocolArtifacts.DaoFactory.abi, eventName: 'DaoCreated', logs: logs.filter((log) => log.address.toLowerCase() === factory) })
          .map((log) => log.args.governor.toLowerCase())
          .filter((governor) => !known.has(governor))
      : []
    if (!created.length) return logs
    const more = await connection.publicClient.getLogs({ address: created as Address[], ...range })
    return [...logs, ...more].sort((a, b) => Number(a.blockNumber! - b.blockNumber!) || a.logIndex! - b.logIndex!)
  }

  private decode(logs: Log[]): IndexedEvent[] {
    const fixed = this.fixedContracts
    const governors = this.governors()
    // Governors created in this batch are not in the table yet: learn them from the batch's own DaoCreated logs.
    const decoded = parseEventLogs({ abi: protocolEventsAbi, logs, strict: true })
    for (const log of decoded) {
      if (log.eventName === 'DaoCreated' && fixed.get(log.address.toLowerCase()) === 'DaoFactory') {
        const args = log.args as { modelId: bigint; governor: string }
        governors.set(args.governor.toLowerCase(), Number(args.modelId))
      }
    }
    const events: IndexedEvent[] = []
    for (const log of decoded) {
      const address = log.address.toLowerCase()
      const contract = fixed.get(address) ?? (governors.has(address) ? 'ModelGovernor' : undefined)
      if (!contract) continue
      const args = Object.fromEntries(Object.entries(log.args as Record<string, unknown>).map(([key, value]) => [key, jsonArg(value)]))
      // A governor's events name no model: the model is the one whose DAO this governor is.
      if (contract === 'ModelGovernor') args.modelId = String(governors.get(address))
      events.push({ block: Number(log.blockNumber), logIndex: log.logIndex!, tx: log.transactionHash!, contract, name: log.eventName!, args })
    }
    return events
  }

  private applyEvents(events: IndexedEvent[], logs: Log[]) {
    const insert = this.db.prepare('INSERT INTO events (block, log_index, tx, contract, name, model_id, offering_id, args, undo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    const block = this.db.prepare('INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)')
    for (const log of logs) block.run(Number(log.blockNumber), log.blockHash!)
    for (const event of events) {
      const undo = this.applier.apply(event)
      const { modelId, offeringId } = eventSubjects(event)
      insert.run(event.block, event.logIndex, event.tx, event.contract, event.name, modelId, offeringId, JSON.stringify(event.args), undo)
    }
  }

  /**
   * When the stored tip's hash no longer matches the chain, walks the stored blocks back to the newest one that does
   * (a block hash commits to all its ancestors) and rolls back every event above it.
   */
  private async rollBackReorg(connection: ChainConnection, headNumber: number): Promise<IndexSyncResult['rolledBack'] | 'too-deep' | undefined> {
    const stored = this.db.prepare('SELECT number, hash FROM blocks ORDER BY number DESC LIMIT ?').all(REORG_DEPTH + 1) as { number: number; hash: string }[]
    if (!stored.length) return this.syncedBlock > headNumber ? 'too-deep' : undefined
    let common: number | undefined
    for (const block of stored) {
      // A block above the head is gone (the chain went back); one below it must still have the stored hash.
      const onChain = block.number <= headNumber ? await connection.publicClient.getBlock({ blockNumber: BigInt(block.number) }).catch(() => undefined) : undefined
      if (onChain?.hash === block.hash) {
        common = block.number
        break
      }
    }
    if (common === stored[0]!.number) return undefined
    // No stored block matches within REORG_DEPTH: nothing can be trusted, rebuild.
    if (common === undefined) return 'too-deep'
    const above = common
    return this.transaction(() => {
      const events = this.db.prepare('SELECT * FROM events WHERE block > ? ORDER BY block DESC, log_index DESC').all(above) as {
        block: number
        log_index: number
        tx: string
        contract: IndexedEvent['contract']
        name: string
        args: string
        undo: string | null
      }[]
      for (const row of events) {
        this.applier.revert({ block: row.block, logIndex: row.log_index, tx: row.tx, contract: row.contract, name: row.name, args: JSON.parse(row.args) }, row.undo)
      }
      this.db.prepare('DELETE FROM events WHERE block > ?').run(above)
      this.db.prepare('DELETE FROM blocks WHERE number > ?').run(above)
      const rolledFrom = this.syncedBlock
      this.setMeta('syncedBlock', above)
      return { fromBlock: above + 1, blocks: rolledFrom - above, events: events.length }
    })
  }
}
