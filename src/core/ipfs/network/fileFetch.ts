import { createHash } from 'node:crypto'
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { Sha256MismatchError, TamperedBlockError } from '../errors.js'
import { blockMatchesCid } from '../formats/verify.js'
import type { IpfsRepo } from '../storage/repo.js'
import type { BlockSource } from './fetch.js'

/** A piece of the file: a leaf block to fetch, or bytes held inline by an interior node. */
type Segment = { offset: number; size: number } & ({ cid: CID; inline?: undefined } | { inline: Uint8Array; cid?: undefined })

export type FetchFileParams = {
  repo: IpfsRepo
  source: BlockSource
  root: CID
  size: number
  sha256: string
  /** Manifest path, for messages. */
  path: string
  /** Final file; its bytes go to a hidden `.name.partial` sibling first. */
  target: string
  partial: string
  concurrency?: number
  signal?: AbortSignal | undefined
  onProgress?: ((progress: { bytes: number; fetchedBytes: number }) => void) | undefined
}

/** Interior nodes are small: keep them in the repo so a resumed fetch does not ask for them again. */
async function interiorBlock(repo: IpfsRepo, source: BlockSource, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  if (repo.blockstore.has(cid)) return repo.blockstore.getBytes(cid)
  const bytes = await source.fetchBlock(cid, signal)
  if (!blockMatchesCid(cid, bytes)) throw new TamperedBlockError(cid.toString(), source.name)
  repo.blockstore.putBytes(cid, bytes, true)
  return bytes
}

/** The file's byte layout: leaves (and inline data) with their offsets, from the interior nodes only. */
async function layout(params: FetchFileParams): Promise<Segment[]> {
  const segments: Segment[] = []
  const walk = async (cid: CID, offset: number, size: number | undefined): Promise<number> => {
    if (cid.code === raw.code) {
      if (size === undefined) throw new Error('a raw root has no size of its own') // handled by the caller
      segments.push({ cid, offset, size })
      return size
    }
    const node = dagPb.decode(await interiorBlock(params.repo, params.source, cid, params.signal))
    const unixfs = node.Data ? UnixFS.unmarshal(node.Data) : undefined
    if (!unixfs || (unixfs.type !== 'file' && unixfs.type !== 'raw')) throw new Sha256MismatchError(params.path, `${cid} is not a UnixFS file`)
    let at = offset
    if (unixfs.data && unixfs.data.byteLength > 0) {
      segments.push({ inline: unixfs.data, offset: at, size: unixfs.data.byteLength })
      at += unixfs.data.byteLength
    }
    for (const [i, link] of node.Links.entries()) at += await walk(link.Hash, at, Number(unixfs.blockSizes[i] ?? 0n))
    return at - offset
  }
  if (params.root.code === raw.code) segments.push({ cid: params.root, offset: 0, size: params.size })
  else await walk(params.root, 0, undefined)
  return segments
}

/**
 * Writes the file from a CAR stream of its DAG (depth-first, so leaves come in file order), checking every block.
 * A leaf repeated in the file comes once in the CAR (dups=n): it is kept in memory until its last use.
 * Returns the bytes received.
 */
async function streamCar(params: FetchFileParams, segments: Segment[], handle: FileHandle, hash: ReturnType<typeof createHash>): Promise<number> {
  const uses = new Map<string, number>()
  for (const segment of segments) if (segment.cid) uses.set(segment.cid.toString(), (uses.get(segment.cid.toString()) ?? 0) + 1)
  const repeated = new Map<string, Uint8Array>()
  let next = 0
  let received = 0
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let position = 0
  const background = new BackgroundSync(handle)
  const flush = async () => {
    if (pendingBytes === 0) return
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending)
    await handle.write(chunk, 0, chunk.byteLength, position)
    background.wrote(chunk.byteLength)
    position += chunk.byteLength
    pending = []
    pendingBytes = 0
  }
  const emit = async (data: Uint8Array) => {
    hash.update(data)
    pending.push(data)
    pendingBytes += data.byteLength
    if (pendingBytes >= 4 * 1024 * 1024) await flush()
  }
  const drain = async () => {
    // Inline data and repeated leaves already seen need nothing from the stream.
    for (let segment = segments[next]; segment; segment = segments[next]) {
      const data = segment.inline ?? repeated.get(segment.cid!.toString())
      if (!data) break
      await emit(data)
      next++
      params.onProgress?.({ bytes: segment.offset + segment.size, fetchedBytes: received })
    }
  }
  const { CarBlockIterator } = await import('@ipld/car')
  const blocks = await CarBlockIterator.fromIterable(await params.source.fetchCar!(params.root, params.signal))
  try {
    await drain()
    for await (const { cid, bytes } of blocks) {
      params.signal?.throwIfAborted()
      if (!blockMatchesCid(cid, bytes)) throw new TamperedBlockError(cid.toString(), params.source.name)
      received += bytes.byteLength
      const segment = segments[next]
      if (!segment?.cid || !segment.cid.equals(cid)) continue // an interior node, already known
      const data = leafData(cid, bytes)
      if (data.byteLength !== segment.size) throw new Sha256MismatchError(params.path, `block ${cid} holds ${data.byteLength} bytes, expected ${segment.size}`)
      if ((uses.get(cid.toString()) ?? 0) > 1) repeated.set(cid.toString(), data)
      await emit(data)
      next++
      params.onProgress?.({ bytes: segment.offset + segment.size, fetchedBytes: received })
      await drain()
    }
  } finally {
    // Verified bytes reach the partial file even when the transfer stops, so a re-run resumes after them.
    await flush()
    await background.done()
  }
  if (next < segments.length) throw new Sha256MismatchError(params.path, `the CAR stream ended after ${next} of ${segments.length} blocks`)
  return received
}

/**
 * fdatasync in the background every 64 MiB written, so the disk drains while the network still delivers and the
 * closing fsync has little left to do (the same total durability, overlapped instead of serialised at the end).
 */
class BackgroundSync {
  private since = 0
  private inflight: Promise<void> | undefined
  constructor(private readonly handle: FileHandle) {}
  wrote(bytes: number) {
    this.since += bytes
    if (this.since < 64 * 1024 * 1024 || this.inflight) return
    this.since = 0
    this.inflight = this.handle.datasync().finally(() => (this.inflight = undefined))
  }
  async done() {
    await this.inflight
  }
}

/** Leaf bytes as file bytes: raw leaves are the data; dag-pb leaves carry it in their UnixFS data. */
function leafData(cid: CID, bytes: Uint8Array): Uint8Array {
  if (cid.code === raw.code) return bytes
  const unixfs = UnixFS.unmarshal(dagPb.decode(bytes).Data ?? new Uint8Array())
  return unixfs.data ?? new Uint8Array()
}

/**
 * Streams one file straight to disk: leaves are fetched concurrently, each checked against its CID, written at its
 * offset, and hashed in file order for the manifest's sha256 — one write and no second pass. A hidden `.partial` file
 * keeps the progress: a re-run re-verifies its prefix leaf by leaf and fetches only the rest. The file is renamed into
 * place only when size and sha256 match; a tampered block or a sha256 mismatch deletes the partial file.
 */
export async function fetchFileToDisk(params: FetchFileParams): Promise<{ fetchedBytes: number }> {
  const segments = await layout(params)
  const total = segments.reduce((n, s) => n + s.size, 0)
  if (total !== params.size) throw new Sha256MismatchError(params.path, `the DAG holds ${total} bytes, the manifest says ${params.size}`)
  const hash = createHash('sha256')
  let handle: FileHandle | undefined
  let next = 0
  let fetchedBytes = 0
  try {
    // Resume: keep the verified prefix of an earlier partial file.
    const existing = await stat(params.partial).catch(() => undefined)
    handle = await open(params.partial, existing ? 'r+' : 'w')
    if (existing) {
      for (; next < segments.length; next++) {
        const segment = segments[next]!
        if (segment.offset + segment.size > existing.size) break
        const bytes = Buffer.allocUnsafe(segment.size)
        await handle.read(bytes, 0, segment.size, segment.offset)
        const ok = segment.inline ? Buffer.from(segment.inline).equals(bytes) : segment.cid.code === raw.code && blockMatchesCid(segment.cid, bytes)
        if (!ok) break
        hash.update(bytes)
      }
      await handle.truncate(segments[next]?.offset ?? total)
    }
    const resumedBytes = segments[next]?.offset ?? total
    params.onProgress?.({ bytes: resumedBytes, fetchedBytes: 0 })

    if (next === 0 && params.source.fetchCar) {
      // Nothing on disk yet: one CAR stream for the whole file instead of a request per block.
      fetchedBytes = await streamCar(params, segments, handle, hash)
      next = segments.length
    }

    // Fetch the rest: a window of leaves in flight, hashed in order as the window's head completes.
    const window = params.concurrency ?? 16
    const ready = new Map<number, Uint8Array>()
    let launched = next
    let written = resumedBytes
    const file = handle
    const runOne = async (index: number): Promise<void> => {
      const segment = segments[index]!
      let data: Uint8Array
      if (segment.inline) data = segment.inline
      else {
        const bytes = params.repo.blockstore.has(segment.cid) ? params.repo.blockstore.getBytes(segment.cid) : await params.source.fetchBlock(segment.cid, params.signal)
        if (!blockMatchesCid(segment.cid, bytes)) throw new TamperedBlockError(segment.cid.toString(), params.source.name)
        fetchedBytes += bytes.byteLength
        data = leafData(segment.cid, bytes)
      }
      if (data.byteLength !== segment.size) throw new Sha256MismatchError(params.path, `block ${segment.cid ?? 'inline'} holds ${data.byteLength} bytes, expected ${segment.size}`)
      await file.write(data, 0, data.byteLength, segment.offset)
      ready.set(index, data)
      while (ready.has(next)) {
        hash.update(ready.get(next)!)
        ready.delete(next)
        written += segments[next]!.size
        next++
      }
      params.onProgress?.({ bytes: written, fetchedBytes })
    }
    await new Promise<void>((resolve, reject) => {
      let active = 0
      let failed = false
      const pump = () => {
        if (failed) return
        if (next >= segments.length && active === 0) return resolve()
        while (active < window && launched < segments.length && launched < next + window * 4) {
          const index = launched++
          active++
          runOne(index).then(
            () => {
              active--
              pump()
            },
            (error: unknown) => {
              failed = true
              reject(error)
            },
          )
        }
      }
      pump()
    })
    await handle.sync()
    await handle.close()
    handle = undefined
    const actual = hash.digest('hex')
    if (actual !== params.sha256) throw new Sha256MismatchError(params.path, `sha256 is ${actual}, the manifest says ${params.sha256}`)
    await rename(params.partial, params.target)
    return { fetchedBytes }
  } catch (error) {
    await handle?.close().catch(() => {})
    // Bad data is thrown away; an interrupted or failed transfer keeps its verified progress for the next run.
    if (error instanceof TamperedBlockError || error instanceof Sha256MismatchError) await rm(params.partial, { force: true })
    throw error
  }
}
