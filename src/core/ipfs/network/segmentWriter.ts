import type { FileHandle } from 'node:fs/promises'
import type { CID } from 'multiformats/cid'
import { Sha256MismatchError } from '../errors.js'
import type { PrefixHasher } from './prefixHasher.js'

/** A piece of the file: a leaf block to fetch, or bytes held inline by an interior node. */
export type Segment = { offset: number; size: number; done: boolean } & ({ cid: CID; inline?: undefined } | { inline: Uint8Array; cid?: undefined })

const WRITES_IN_FLIGHT = 16

/** Bytes gathered for one positioned write: contiguous segments, up to 4 MiB. */
type WriteBatch = { offset: number; end: number; pieces: Uint8Array[]; segments: Segment[] }
const BATCH_BYTES = 4 * 1024 * 1024

/**
 * Positioned writes of verified segments: contiguous ones are gathered into one write of up to 4 MiB, a bounded
 * number of writes run at once, and each segment is marked done (and the hash frontier moved) only once its bytes
 * are in the file. fdatasync runs in the background every 64 MiB, so the disk drains while the network delivers and
 * the closing fsync has little left to do.
 */
export class SegmentWriter {
  private readonly inFlight = new Set<Promise<void>>()
  private readonly batches = new Map<object, WriteBatch>()
  private failure: unknown
  private next = 0
  private sinceSync = 0
  private syncing: Promise<void> | undefined
  doneBytes = 0

  constructor(
    private readonly handle: FileHandle,
    private readonly segments: Segment[],
    private readonly hasher: PrefixHasher,
    private readonly total: number,
    private readonly path: string,
    private readonly onDone: () => void,
  ) {}

  /**
   * Queues a verified segment for writing. `lane` is who delivers it (a unit's stream): each lane gathers its own
   * contiguous run, so two streams landing at once do not cut each other's writes into single blocks.
   */
  async put(segment: Segment, pieces: Uint8Array[], lane: object = this): Promise<void> {
    if (this.failure) throw this.failure
    const length = pieces.reduce((n, piece) => n + piece.byteLength, 0)
    if (length !== segment.size) throw new Sha256MismatchError(this.path, `a block at offset ${segment.offset} holds ${length} bytes, the DAG says ${segment.size}`)
    // Until this segment extends the lane's batch, write the batch out. Re-checked after every wait: other callers on
    // the same lane (a unit's parallel block fetches) may have started a batch elsewhere in the file meanwhile.
    for (let current = this.batches.get(lane); current; current = this.batches.get(lane)) {
      if (current.end === segment.offset && current.end - current.offset < BATCH_BYTES) break
      await this.writeBatch(lane)
    }
    if (segment.done) return // another source finished it meanwhile
    const batch = this.batches.get(lane) ?? { offset: segment.offset, end: segment.offset, pieces: [], segments: [] }
    this.batches.set(lane, batch)
    batch.pieces.push(...pieces)
    batch.segments.push(segment)
    batch.end += segment.size
    if (batch.end - batch.offset >= BATCH_BYTES) await this.writeBatch(lane)
  }

  private async writeBatch(lane: object) {
    const batch = this.batches.get(lane)
    this.batches.delete(lane)
    if (!batch) return
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight)
    const write = (async () => {
      // writev takes at most 1024 buffers per call.
      for (let i = 0, at = batch.offset; i < batch.pieces.length; i += 1024) {
        const part = batch.pieces.slice(i, i + 1024)
        await this.handle.writev(part, at)
        at += part.reduce((n, piece) => n + piece.byteLength, 0)
      }
      for (const segment of batch.segments) this.markDone(segment, false)
      this.settled()
    })().catch((error: unknown) => {
      this.failure ??= error
    })
    this.inFlight.add(write)
    void write.finally(() => this.inFlight.delete(write))
  }

  /**
   * Marks a written segment done. `report` moves the hash frontier and reports progress now; a batch does that once,
   * after its last segment.
   */
  markDone(segment: Segment, report = true) {
    if (segment.done) return
    segment.done = true
    this.doneBytes += segment.size
    this.sinceSync += segment.size
    if (this.sinceSync >= 64 * 1024 * 1024 && !this.syncing) {
      this.sinceSync = 0
      this.syncing = this.handle.datasync().finally(() => (this.syncing = undefined))
    }
    if (report) this.settled()
  }

  /** Moves the hash frontier over the segments done so far, and reports progress. */
  private settled() {
    while (this.next < this.segments.length && this.segments[this.next]!.done) this.next++
    this.hasher.advanceTo(this.segments[this.next]?.offset ?? this.total)
    this.onDone()
  }

  /** Writes what is gathered and waits for every write so far. @throws the first write error (a full disk, say). */
  async drain(): Promise<void> {
    for (const lane of [...this.batches.keys()]) await this.writeBatch(lane)
    while (this.inFlight.size > 0) await Promise.race(this.inFlight)
    await this.syncing
    if (this.failure) throw this.failure
  }
}
