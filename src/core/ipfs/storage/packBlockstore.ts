import { closeSync, fdatasync, fsyncSync, openSync, readSync, unlinkSync, writev, writevSync, mkdirSync, existsSync, statSync, truncateSync } from 'node:fs'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { decode as decodeDigest } from 'multiformats/hashes/digest'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import { BlockCorruptError, BlockNotFoundError } from '../errors.js'
import { blockMatchesCid, multihashKey } from '../formats/verify.js'
import { isProcessAlive } from '../../home/process.js'

/** Bytes buffered in memory before one writev to the pack file. */
const WRITE_BUFFER_BYTES = 8 * 1024 * 1024
/** Bytes appended between checkpoints (fdatasync, then index commit): what an interrupted import must redo. */
const COMMIT_EVERY_BYTES = 64 * 1024 * 1024
const fdatasyncAsync = promisify(fdatasync)
const writevAsync = promisify(writev)

type Location = { pack: number; offset: number; length: number }
/** A block not yet indexed. `bytes` is kept only while it sits in the write buffer; after that it is read back. */
type PendingBlock = { bytes: Uint8Array | undefined; offset: number; length: number }

export type PackBlockstoreStats = { blocks: number; liveBytes: number; packBytes: number; packs: number }


async function collect(bytes: InputPair['bytes']): Promise<Uint8Array> {
  if (bytes instanceof Uint8Array) return bytes
  const parts: Uint8Array[] = []
  for await (const part of bytes as AsyncIterable<Uint8Array>) parts.push(part)
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

/**
 * A blockstore that appends blocks to large pack files and indexes them in SQLite, instead of writing one small file
 * per block. Keyed by multihash (like kubo), so the same bytes under another codec are stored once.
 *
 * Durability: blocks are buffered and appended; every 64 MiB a checkpoint fdatasyncs the pack in the background
 * (overlapping with the next segment's hashing and writing) and only then commits that segment's index rows; `flush`
 * and `close` do the same for the rest. A crash loses at most the uncommitted tail, which is invisible (not indexed)
 * and re-imported on the next run. Every read is verified against its CID's hash.
 *
 * Each process appends to packs of its own, so a daemon and a CLI command can share a repo; SQLite (WAL) serialises
 * the index.
 */
export class PackBlockstore implements Blockstore {
  readonly folder: string
  private db!: DatabaseSync
  private statements!: {
    insert: StatementSync
    select: StatementSync
    remove: StatementSync
    newPack: StatementSync
    setPackSize: StatementSync
    packName: StatementSync
  }
  private packId: number | undefined
  private packFd: number | undefined
  private packOffset = 0
  private buffered: Uint8Array[] = []
  private bufferedKeys: string[] = []
  private bufferedBytes = 0
  private bufferedFrom = 0
  private uncommittedBytes = 0
  /** Written (or buffered) but not yet committed to the index: visible to this process only. */
  private pending = new Map<string, PendingBlock>()
  /** Keys of `pending`, in write order, not yet part of a checkpoint. */
  private segment: string[] = []
  /** The checkpoint whose fdatasync is running. */
  private inflight: Promise<void> | undefined
  /** The write-buffer flush running in the threadpool, so the page-cache copy overlaps with hashing the next blocks. */
  private writing: Promise<void> | undefined
  private readFds = new Map<number, number>()
  private opened = false

  constructor(folder: string) {
    this.folder = folder
  }

  open(): void {
    if (this.opened) return
    mkdirSync(join(this.folder, 'packs'), { recursive: true })
    this.db = new DatabaseSync(join(this.folder, 'index.sqlite'))
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 10000;
      CREATE TABLE IF NOT EXISTS packs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size INTEGER NOT NULL DEFAULT 0, owner_pid INTEGER);
      CREATE TABLE IF NOT EXISTS blocks (mh BLOB PRIMARY KEY, pack INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS blocks_by_pack ON blocks (pack);
    `)
    this.statements = {
      insert: this.db.prepare('INSERT OR IGNORE INTO blocks (mh, pack, offset, length) VALUES (?, ?, ?, ?)'),
      select: this.db.prepare('SELECT pack, offset, length FROM blocks WHERE mh = ?'),
      remove: this.db.prepare('DELETE FROM blocks WHERE mh = ?'),
      newPack: this.db.prepare('INSERT INTO packs (name, size, owner_pid) VALUES (?, 0, ?) RETURNING id'),
      setPackSize: this.db.prepare('UPDATE packs SET size = ? WHERE id = ?'),
      packName: this.db.prepare('SELECT name FROM packs WHERE id = ?'),
    }
    this.opened = true
  }

  /** The SQLite handle, for siblings that keep their tables in the same index (pins). */
  get database(): DatabaseSync {
    this.open()
    return this.db
  }

  private ensurePack(): number {
    if (this.packFd !== undefined) return this.packFd
    const name = `pack-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.dat`
    // Read-write: blocks written but not yet indexed are read back from here.
    this.packFd = openSync(join(this.folder, 'packs', name), 'wx+')
    this.packId = Number((this.statements.newPack.get(name, process.pid) as { id: number | bigint }).id)
    this.packOffset = 0
    this.bufferedFrom = 0
    return this.packFd
  }

  /** Takes the write buffer for one append at its pack position. */
  private takeBuffered(): { fd: number; chunks: Uint8Array[]; keys: string[]; position: number } | undefined {
    if (this.bufferedBytes === 0) return undefined
    const taken = { fd: this.ensurePack(), chunks: this.buffered, keys: this.bufferedKeys, position: this.bufferedFrom }
    this.bufferedFrom += this.bufferedBytes
    this.buffered = []
    this.bufferedKeys = []
    this.bufferedBytes = 0
    return taken
  }

  /** Written to the pack: drop the in-memory copies, so memory stays at the write buffer, not the checkpoint size. */
  private dropWritten(keys: string[]): void {
    for (const key of keys) {
      const block = this.pending.get(key)
      if (block) block.bytes = undefined
    }
  }

  private writeBuffered(): void {
    const taken = this.takeBuffered()
    if (!taken) return
    let position = taken.position
    for (let i = 0; i < taken.chunks.length; i += 1024) {
      // writev takes at most IOV_MAX (1024) buffers per call.
      const batch = taken.chunks.slice(i, i + 1024)
      const written = writevSync(taken.fd, batch, position)
      checkWritten(written, batch)
      position += written
    }
    this.dropWritten(taken.keys)
  }

  /** Appends the write buffer in the threadpool; waits for the previous append first, so at most one runs. */
  private async writeBufferedAsync(): Promise<void> {
    await this.writing
    const taken = this.takeBuffered()
    if (!taken) return
    this.writing = (async () => {
      let position = taken.position
      for (let i = 0; i < taken.chunks.length; i += 1024) {
        const batch = taken.chunks.slice(i, i + 1024)
        const { bytesWritten: written } = await writevAsync(taken.fd, batch, position)
        checkWritten(written, batch)
        position += written
      }
      this.dropWritten(taken.keys)
    })()
    // A failed append is reported by the next maybeCheckpoint/flush, which awaits it.
    this.writing.catch(() => {})
  }

  /** Commits index rows for `keys` (their bytes are already durable in the pack). */
  private commit(keys: string[], packSize: number): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      for (const key of keys) {
        const block = this.pending.get(key)
        if (!block) continue // deleted meanwhile
        this.statements.insert.run(Buffer.from(key, 'base64'), this.packId!, block.offset, block.length)
      }
      this.statements.setPackSize.run(packSize, this.packId!)
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
    for (const key of keys) this.pending.delete(key)
  }

  /** Starts a background checkpoint of everything written so far (waits for the previous one first). */
  private async checkpoint(): Promise<void> {
    await this.inflight
    await this.writing
    this.writeBuffered()
    const keys = this.segment
    const packSize = this.packOffset
    this.segment = []
    this.uncommittedBytes = 0
    const fd = this.packFd!
    this.inflight = fdatasyncAsync(fd).then(() => this.commit(keys, packSize))
    // A failed checkpoint is reported by the next put/flush, which awaits it.
  }

  /** Makes every block put so far durable and visible to other processes. */
  async flush(): Promise<void> {
    if (!this.opened) return
    await this.inflight
    this.inflight = undefined
    await this.writing
    this.writing = undefined
    this.writeBuffered()
    if (this.segment.length === 0) return
    fsyncSync(this.packFd!)
    const keys = this.segment
    this.segment = []
    this.uncommittedBytes = 0
    this.commit(keys, this.packOffset)
  }

  async close(): Promise<void> {
    if (!this.opened) return
    await this.flush()
    if (this.packFd !== undefined) closeSync(this.packFd)
    for (const fd of this.readFds.values()) closeSync(fd)
    this.readFds.clear()
    this.packFd = undefined
    this.db.close()
    this.opened = false
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  private locate(cid: CID): Location | undefined {
    const row = this.statements.select.get(Buffer.from(cid.multihash.bytes)) as { pack: number; offset: number; length: number } | undefined
    return row ? { pack: Number(row.pack), offset: Number(row.offset), length: Number(row.length) } : undefined
  }

  has(cid: CID): boolean {
    this.open()
    if (cid.multihash.code === 0x00) return true
    return this.pending.has(multihashKey(cid)) || this.locate(cid) !== undefined
  }

  /** Stores a block unless it is already there. Bytes are not re-hashed: callers that got them from elsewhere verify first. */
  async put(cid: CID, bytes: InputPair['bytes']): Promise<CID> {
    this.putBytes(cid, await collect(bytes))
    await this.maybeCheckpoint()
    return cid
  }

  /** Starts a checkpoint once enough bytes are uncommitted; call after `putBytes`. */
  async maybeCheckpoint(): Promise<void> {
    if (this.bufferedBytes >= WRITE_BUFFER_BYTES) await this.writeBufferedAsync()
    if (this.uncommittedBytes >= COMMIT_EVERY_BYTES) await this.checkpoint()
  }

  /**
   * Synchronous `put` for callers that already hold the bytes; `put` adds the periodic checkpoint. `owned` says the
   * caller will not reuse the buffer, which saves a copy. Returns false when the block was already stored.
   */
  putBytes(cid: CID, bytes: Uint8Array, owned = false): boolean {
    this.open()
    if (this.has(cid)) return false
    this.ensurePack()
    const offset = this.packOffset
    const copy = owned ? bytes : Uint8Array.from(bytes)
    this.buffered.push(copy)
    this.bufferedBytes += copy.byteLength
    this.packOffset += copy.byteLength
    this.uncommittedBytes += copy.byteLength
    const key = multihashKey(cid)
    this.pending.set(key, { bytes: copy, offset, length: copy.byteLength })
    this.segment.push(key)
    this.bufferedKeys.push(key)
    // Callers that never call maybeCheckpoint (which appends in the background) still get bounded memory.
    if (this.bufferedBytes >= 4 * WRITE_BUFFER_BYTES) this.writeBuffered()
    return true
  }

  async *putMany(source: Iterable<InputPair> | AsyncIterable<InputPair>): AsyncGenerator<CID> {
    for await (const { cid, bytes } of source) yield await this.put(cid, bytes)
  }

  private readFd(pack: number): number {
    let fd = this.readFds.get(pack)
    if (fd === undefined) {
      if (pack === this.packId && this.packFd !== undefined) {
        this.writeBuffered()
      }
      const row = this.statements.packName.get(pack) as { name: string } | undefined
      if (!row) throw new Error(`pack ${pack} is missing from the index`)
      fd = openSync(join(this.folder, 'packs', row.name), 'r')
      this.readFds.set(pack, fd)
    }
    return fd
  }

  /**
   * The bytes of a block, checked against its CID unless `verify` is false (for serving to clients that check every
   * block themselves: a trustless gateway, a CAR stream). @throws {BlockNotFoundError} @throws {BlockCorruptError}
   */
  getBytes(cid: CID, options: { verify?: boolean } = {}): Uint8Array {
    const verify = options.verify ?? true
    this.open()
    if (cid.multihash.code === 0x00) return cid.multihash.digest
    const pending = this.pending.get(multihashKey(cid))
    if (pending?.bytes) return pending.bytes
    if (pending) {
      const bytes = Buffer.allocUnsafe(pending.length)
      const read = readSync(this.packFd!, bytes, 0, pending.length, pending.offset)
      if (read !== pending.length || (verify && !blockMatchesCid(cid, bytes))) throw new BlockCorruptError(cid.toString(), `pack ${this.packId} @ ${pending.offset}`)
      return bytes
    }
    const location = this.locate(cid)
    if (!location) throw new BlockNotFoundError(cid.toString())
    const bytes = Buffer.allocUnsafe(location.length)
    const read = readSync(this.readFd(location.pack), bytes, 0, location.length, location.offset)
    if (read !== location.length || (verify && !blockMatchesCid(cid, bytes))) throw new BlockCorruptError(cid.toString(), `pack ${location.pack} @ ${location.offset}`)
    return bytes
  }

  async *get(cid: CID): AsyncGenerator<Uint8Array> {
    yield this.getBytes(cid)
  }

  async *getMany(source: Iterable<CID> | AsyncIterable<CID>): AsyncGenerator<Pair> {
    for await (const cid of source) yield { cid, bytes: this.get(cid) }
  }

  delete(cid: CID): void {
    this.open()
    this.pending.delete(multihashKey(cid))
    this.statements.remove.run(Buffer.from(cid.multihash.bytes))
  }

  async *deleteMany(source: Iterable<CID> | AsyncIterable<CID>): AsyncGenerator<CID> {
    for await (const cid of source) {
      this.delete(cid)
      yield cid
    }
  }

  /** Every stored block. Blocks are keyed by multihash, so CIDs come back as raw-codec CIDv1. */
  async *getAll(): AsyncGenerator<Pair> {
    await this.flush()
    for (const row of this.db.prepare('SELECT mh FROM blocks').iterate() as Iterable<{ mh: Uint8Array }>) {
      const cid = CID.createV1(raw.code, decodeMultihash(row.mh))
      yield { cid, bytes: this.get(cid) }
    }
  }

  /** Multihashes of all committed blocks (for garbage collection). */
  async *allMultihashes(): AsyncGenerator<Uint8Array> {
    await this.flush()
    for (const row of this.db.prepare('SELECT mh FROM blocks').iterate() as Iterable<{ mh: Uint8Array }>) yield row.mh
  }

  deleteMultihash(multihash: Uint8Array): void {
    this.open()
    this.statements.remove.run(multihash)
  }

  async stats(): Promise<PackBlockstoreStats> {
    await this.flush()
    const blocks = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length), 0) AS bytes FROM blocks').get() as { n: number; bytes: number }
    const packs = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM packs').get() as { n: number; bytes: number }
    return { blocks: Number(blocks.n), liveBytes: Number(blocks.bytes), packs: Number(packs.n), packBytes: Number(packs.bytes) }
  }

  /**
   * Rewrites packs that hold deleted blocks: copies their live blocks into this process's pack and removes them; cuts
   * the dead tail a killed writer left past the last checkpoint. Skips packs still being written by another live
   * process. Returns the bytes reclaimed.
   */
  async compact(): Promise<number> {
    await this.flush()
    // Seal the pack being written so it can be compacted too; live blocks move to a fresh pack.
    if (this.packFd !== undefined) {
      closeSync(this.packFd)
      this.packFd = undefined
      this.packId = undefined
    }
    const candidates = this.db
      .prepare(`SELECT p.id, p.name, p.size, p.owner_pid, COALESCE(SUM(b.length), 0) AS live
                FROM packs p LEFT JOIN blocks b ON b.pack = p.id GROUP BY p.id`)
      .all() as { id: number; name: string; size: number; owner_pid: number | null; live: number }[]
    let reclaimed = 0
    for (const pack of candidates) {
      const id = Number(pack.id)
      if (pack.owner_pid && pack.owner_pid !== process.pid && isProcessAlive(pack.owner_pid)) continue
      // A writer killed between checkpoints leaves bytes past the indexed size: nothing points at them.
      const file = join(this.folder, 'packs', pack.name)
      const onDisk = existsSync(file) ? statSync(file).size : 0
      if (onDisk > Number(pack.size)) {
        truncateSync(file, Number(pack.size))
        reclaimed += onDisk - Number(pack.size)
      }
      if (Number(pack.size) === 0) {
        this.db.prepare('DELETE FROM packs WHERE id = ?').run(id)
        if (existsSync(file)) unlinkSync(file)
        continue
      }
      if (Number(pack.live) >= Number(pack.size)) continue
      const rows = this.db.prepare('SELECT mh, offset, length FROM blocks WHERE pack = ?').all(id) as { mh: Uint8Array; offset: number; length: number }[]
      const fd = this.readFd(id)
      for (const row of rows) {
        const bytes = Buffer.allocUnsafe(Number(row.length))
        readSync(fd, bytes, 0, bytes.length, Number(row.offset))
        this.statements.remove.run(row.mh)
        const cid = CID.createV1(raw.code, decodeMultihash(row.mh))
        if (!blockMatchesCid(cid, bytes)) continue // a corrupt block is dropped, not carried over
        this.putBytes(cid, bytes, true)
      }
      await this.flush()
      closeSync(fd)
      this.readFds.delete(id)
      this.db.prepare('DELETE FROM packs WHERE id = ?').run(id)
      const path = join(this.folder, 'packs', pack.name)
      if (existsSync(path)) unlinkSync(path)
      reclaimed += Number(pack.size) - Number(pack.live)
    }
    return reclaimed
  }
}

function checkWritten(written: number, batch: Uint8Array[]): void {
  const expected = batch.reduce((n, b) => n + b.byteLength, 0)
  if (written !== expected) throw new Error(`short write to pack file (${written} of ${expected} bytes)`)
}

function decodeMultihash(bytes: Uint8Array) {
  return decodeDigest(Uint8Array.from(bytes))
}
