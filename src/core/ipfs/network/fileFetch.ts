import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { BlockUnavailableError, Sha256MismatchError, SourceUnreachableError, TamperedBlockError } from '../errors.js'
import { piecesMatchCid, readCarBlocks } from '../formats/carReader.js'
import { blockMatchesCid, multihashKey } from '../formats/verify.js'
import type { IpfsRepo } from '../storage/repo.js'
import { CarNotOfferedError } from './carProtocol.js'
import { PrefixHasher } from './prefixHasher.js'
import { SegmentWriter, type Segment } from './segmentWriter.js'
import { isSourceFault, type SourcePool, type SourceStats } from './sourcePool.js'
import type { BlockSource } from './sources.js'


/** A run of segments fetched from one source at a time: a whole subtree (one CAR stream) or loose leaves. */
type Unit = { segments: Segment[]; root?: CID | undefined }

export type FileFetchProgress = { bytes: number; fetchedBytes: number; sources: SourceStats[] }

export type FetchFileParams = {
  repo: IpfsRepo
  sources: SourcePool
  root: CID
  size: number
  sha256: string
  /** Manifest path, for messages. */
  path: string
  /** Final file; its bytes go to a hidden `.name.partial` sibling first. */
  target: string
  partial: string
  /** Also store every leaf in the repo, so this node can serve the file on (`model get --keep`). */
  keep?: boolean | undefined
  /** Largest subtree fetched as one unit (default 64 MiB); smaller units spread a file over more sources. */
  unitBytes?: number | undefined
  /** A source that sends nothing for this long is dropped (default 30 s). */
  idleMs?: number | undefined
  signal?: AbortSignal | undefined
  onProgress?: ((progress: FileFetchProgress) => void) | undefined
}

const DEFAULT_UNIT_BYTES = 64 * 1024 * 1024
const LOOSE_LEAVES_PER_UNIT = 32
/** CAR streams at once per source: the second keeps the pipe full while the first one's tail is written. */
const CAR_STREAMS_PER_SOURCE = 2

/** Interior nodes are small: keep them in the repo so a resumed fetch does not ask for them again. */
async function interiorBlock(repo: IpfsRepo, pool: SourcePool, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  if (repo.blockstore.has(cid)) return repo.blockstore.getBytes(cid)
  const bytes = await pool.fetchBlock(cid, signal)
  repo.blockstore.putBytes(cid, bytes, true)
  return bytes
}

/**
 * The file's byte layout from its interior nodes (leaves and inline data with their offsets), cut into units: the
 * largest subtrees no bigger than `unitBytes`, and runs of loose leaves.
 */
async function layout(params: FetchFileParams): Promise<{ segments: Segment[]; units: Unit[] }> {
  const unitBytes = params.unitBytes ?? DEFAULT_UNIT_BYTES
  const segments: Segment[] = []
  // Built in file order: subtree units as their walk ends, loose leaves in runs between them.
  const units: Unit[] = []
  let run: Segment[] = []
  let runBytes = 0
  const endRun = () => {
    if (run.length > 0) units.push({ segments: run })
    run = []
    runBytes = 0
  }
  const loose = (segment: Segment) => {
    run.push(segment)
    runBytes += segment.size
    if (run.length === LOOSE_LEAVES_PER_UNIT || runBytes >= unitBytes) endRun()
  }
  const walk = async (cid: CID, offset: number, size: number, inUnit: boolean): Promise<number> => {
    if (cid.code === raw.code) {
      const segment: Segment = { cid, offset, size, done: false }
      segments.push(segment)
      if (!inUnit) loose(segment)
      return size
    }
    const node = dagPb.decode(await interiorBlock(params.repo, params.sources, cid, params.signal))
    const unixfs = node.Data ? UnixFS.unmarshal(node.Data) : undefined
    if (!unixfs || (unixfs.type !== 'file' && unixfs.type !== 'raw')) throw new Sha256MismatchError(params.path, `${cid} is not a UnixFS file`)
    let at = offset
    if (unixfs.data && unixfs.data.byteLength > 0) {
      // Inline bytes are written from the interior node itself: no unit needs them.
      segments.push({ inline: unixfs.data, offset: at, size: unixfs.data.byteLength, done: false })
      at += unixfs.data.byteLength
    }
    for (const [i, link] of node.Links.entries()) {
      const childSize = Number(unixfs.blockSizes[i] ?? 0n)
      if (!inUnit && link.Hash.code === dagPb.code && childSize <= unitBytes) {
        endRun()
        const from = segments.length
        at += await walk(link.Hash, at, childSize, true)
        units.push({ root: link.Hash, segments: segments.slice(from) })
      } else at += await walk(link.Hash, at, childSize, inUnit)
    }
    return at - offset
  }
  // A file no bigger than a unit is one unit (one CAR stream of its root); a raw root is a single loose leaf.
  const whole = params.root.code !== raw.code && params.size <= unitBytes
  await walk(params.root, 0, params.size, whole)
  if (whole) units.push({ root: params.root, segments: [...segments] })
  endRun()
  return { segments, units }
}

/** Leaf bytes as file bytes: raw leaves are the data; dag-pb leaves carry it in their UnixFS data. */
function leafData(cid: CID, pieces: Uint8Array[]): Uint8Array[] {
  if (cid.code === raw.code) return pieces
  const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)
  return [UnixFS.unmarshal(dagPb.decode(bytes).Data ?? new Uint8Array()).data ?? new Uint8Array()]
}

/** Iterates `chunks`, failing with `onIdle()` when nothing arrives for `ms`. */
async function* idleGuard(chunks: AsyncIterable<Uint8Array>, ms: number, controller: AbortController, onIdle: () => Error): AsyncGenerator<Uint8Array> {
  let timer = setTimeout(() => controller.abort(onIdle()), ms)
  try {
    for await (const chunk of chunks) {
      timer.refresh()
      yield chunk
    }
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Streams one file straight to disk from every source in the pool at once: the file is cut into units (subtrees of
 * up to 64 MiB), each source takes the next unit as it frees up (so faster sources take more), fetching it as one
 * CAR stream where the source offers that and block by block otherwise. Every block is checked against its CID and
 * written at its offset; the sha256 of the whole file is checked before it is renamed into place. A source that
 * sends a bad block, garbage, nothing for 30 s, or dies is dropped and its unit goes to the others.
 * A hidden `.partial` file keeps the progress: a re-run re-verifies its prefix leaf by leaf and fetches only the rest.
 * A sha256 mismatch deletes the partial file.
 * @throws {SourcesExhaustedError} every source was dropped before the file was complete.
 */
export async function fetchFileToDisk(params: FetchFileParams): Promise<{ fetchedBytes: number }> {
  const pool = params.sources
  const { segments, units } = await layout(params)
  const total = segments.reduce((n, s) => n + s.size, 0)
  if (total !== params.size) throw new Sha256MismatchError(params.path, `the DAG holds ${total} bytes, the manifest says ${params.size}`)
  let handle: FileHandle | undefined
  let hasher: PrefixHasher | undefined
  let fetchedBytes = 0
  let verifiedBytes = 0
  try {
    const existing = await stat(params.partial).catch(() => undefined)
    handle = await open(params.partial, existing ? 'r+' : 'w+')
    const file = handle
    hasher = new PrefixHasher(params.partial)
    const report = () => {
      verifiedBytes = writer.doneBytes
      params.onProgress?.({ bytes: writer.doneBytes, fetchedBytes, sources: pool.snapshot() })
    }
    const writer = new SegmentWriter(file, segments, hasher, total, params.path, report)

    // Resume: keep the verified prefix of an earlier partial file.
    if (existing) {
      let resumed = 0
      for (const segment of segments) {
        if (segment.offset + segment.size > existing.size) break
        const bytes = Buffer.allocUnsafe(segment.size)
        await file.read(bytes, 0, segment.size, segment.offset)
        const ok = segment.inline ? Buffer.from(segment.inline).equals(bytes) : segment.cid.code === raw.code && blockMatchesCid(segment.cid, bytes)
        if (!ok) break
        resumed = segment.offset + segment.size
        writer.markDone(segment)
      }
      await file.truncate(resumed)
    }
    // Inline data, and leaves this repo already holds (kept from an earlier get, or published here), need no source.
    for (const segment of segments) {
      if (segment.done) continue
      if (segment.inline) await writer.put(segment, [segment.inline])
      else if (params.repo.blockstore.has(segment.cid)) await writer.put(segment, leafData(segment.cid, [params.repo.blockstore.getBytes(segment.cid)]))
    }
    await writer.drain()

    const keep = (cid: CID, pieces: Uint8Array[]) => {
      if (params.keep) params.repo.blockstore.putBytes(cid, pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), true)
    }
    const carRefused = new Set<BlockSource>()

    /** One unit as a CAR stream of its subtree; leaves it does not deliver are left pending. */
    const carUnit = async (unit: Unit, source: BlockSource) => {
      const pending = new Map<string, Segment[]>()
      for (const segment of unit.segments) {
        if (segment.done || !segment.cid) continue
        const key = multihashKey(segment.cid)
        pending.set(key, [...(pending.get(key) ?? []), segment])
      }
      if (pending.size === 0) return
      const idle = new AbortController()
      const signal = params.signal ? AbortSignal.any([params.signal, idle.signal]) : idle.signal
      const stream = await source.fetchCar!(unit.root!, signal)
      const chunks = idleGuard(stream, params.idleMs ?? 30_000, idle, () => new SourceUnreachableError(source.name, new Error(`nothing received for ${(params.idleMs ?? 30_000) / 1000} s`)))
      for await (const block of readCarBlocks(chunks)) {
        const key = multihashKey(block.cid)
        const waiting = pending.get(key)
        if (!waiting) continue // an interior node we already hold
        if (!piecesMatchCid(block.cid, block.pieces)) throw new TamperedBlockError(block.cid.toString(), source.name)
        pending.delete(key)
        pool.credit(source, block.length)
        fetchedBytes += block.length
        keep(block.cid, block.pieces)
        const data = leafData(block.cid, block.pieces)
        for (const segment of waiting) await writer.put(segment, data, unit)
      }
      await writer.drain()
      await params.repo.blockstore.maybeCheckpoint()
    }

    /** One unit block by block (bitswap, or a gateway without CAR responses), `concurrency` at once. */
    const blockUnit = async (unit: Unit, source: BlockSource) => {
      const todo = unit.segments.filter((segment) => !segment.done && segment.cid)
      let index = 0
      const lane = async () => {
        while (index < todo.length) {
          const segment = todo[index++]!
          if (segment.done) continue
          const bytes = await source.fetchBlock(segment.cid!, params.signal)
          if (!blockMatchesCid(segment.cid!, bytes)) throw new TamperedBlockError(segment.cid!.toString(), source.name)
          pool.credit(source, bytes.byteLength)
          fetchedBytes += bytes.byteLength
          keep(segment.cid!, [bytes])
          await writer.put(segment, leafData(segment.cid!, [bytes]), unit)
        }
      }
      await Promise.all(Array.from({ length: Math.min(source.concurrency ?? 16, todo.length) }, lane))
      await params.repo.blockstore.maybeCheckpoint()
    }

    const runUnit = async (unit: Unit, source: BlockSource) => {
      try {
        if (unit.root && source.fetchCar && !carRefused.has(source)) {
          try {
            await carUnit(unit, source)
          } catch (error) {
            if (!(error instanceof CarNotOfferedError)) throw error
            carRefused.add(source)
          }
        }
        // Whatever the CAR did not bring (or all of it, without one): block by block from the same source.
        if (unit.segments.some((segment) => !segment.done)) await blockUnit(unit, source)
      } finally {
        await writer.drain()
      }
    }

    // Each source runs workers that take the next unit from the queue; a faulty source's unit goes back to the front.
    const queue = units.filter((unit) => unit.segments.some((segment) => !segment.done))
    let running = 0
    let fatal: { error: unknown } | undefined
    let wake: (() => void)[] = []
    const notify = () => {
      for (const resolve of wake) resolve()
      wake = []
    }
    const worker = async (source: BlockSource) => {
      for (;;) {
        if (fatal || params.signal?.aborted || !pool.isActive(source)) return
        const unit = queue.shift()
        if (!unit) {
          if (running === 0) return
          await new Promise<void>((resolve) => wake.push(resolve))
          continue
        }
        running++
        try {
          await runUnit(unit, source)
        } catch (error) {
          if (params.signal?.aborted) fatal ??= { error }
          else if (isSourceFault(error) || error instanceof BlockUnavailableError) {
            pool.drop(source, error)
            queue.unshift(unit)
          } else fatal ??= { error }
        } finally {
          running--
          notify()
        }
      }
    }
    // Workers start round robin over the sources, so every source gets a unit at once.
    const workers: Promise<void>[] = []
    for (let slot = 0; slot < CAR_STREAMS_PER_SOURCE; slot++) {
      for (const source of pool.active) if (slot === 0 || source.fetchCar) workers.push(worker(source))
    }
    await Promise.all(workers)
    if (fatal) throw fatal.error
    params.signal?.throwIfAborted()
    if (segments.some((segment) => !segment.done)) throw pool.exhausted(params.path)

    await writer.drain()
    const actual = await hasher.digest(total)
    await file.sync()
    await file.close()
    handle = undefined
    if (actual !== params.sha256) throw new Sha256MismatchError(params.path, `sha256 is ${actual}, the manifest says ${params.sha256}`)
    await rename(params.partial, params.target)
    if (params.keep) await params.repo.blockstore.flush()
    return { fetchedBytes }
  } catch (error) {
    await hasher?.close().catch(() => {})
    await handle?.close().catch(() => {})
    // Only verified blocks ever reach the partial file: a failed or interrupted transfer keeps them for the next run
    // (from any source). A file that contradicts its manifest, or holds nothing yet, leaves nothing behind.
    if (error instanceof Sha256MismatchError || verifiedBytes === 0) await rm(params.partial, { force: true })
    throw error
  }
}
