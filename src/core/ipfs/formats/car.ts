import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { CarBlockIterator } from '@ipld/car'
import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import { CarInvalidError } from '../errors.js'
import type { IpfsRepo } from '../storage/repo.js'
import { walkDag } from './dag.js'
import { blockMatchesCid, multihashKey } from './verify.js'

function varint(n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/** The CARv1 header: a varint length, then dag-cbor `{ roots, version: 1 }`. */
export function carHeader(roots: CID[]): Uint8Array {
  const header = dagCbor.encode({ roots, version: 1 })
  return Buffer.concat([varint(header.byteLength), header])
}

/**
 * Streams a CARv1 of the whole DAG under `root` from the local repo, blocks in depth-first order (the order the
 * trustless gateway spec calls `order=dfs`), then the DAGs of `include` (a model's files under its manifest), each
 * block once. A missing block throws from the iterator, so a reader never mistakes a short CAR for a whole one.
 * Blocks are checked against their CIDs as read unless `verify` is false (a trustless reader checks them anyway).
 */
export async function* carStream(
  repo: IpfsRepo,
  root: CID,
  signal?: AbortSignal,
  include: readonly CID[] = [],
  options: { verify?: boolean } = {},
): AsyncGenerator<Uint8Array> {
  yield carHeader([root])
  const seen = new Set<string>()
  for (const dag of [root, ...include]) {
    for await (const { cid, bytes } of walkDag(dag, { load: (c) => repo.blockstore.getBytes(c, options), signal, seen })) {
      // Two chunks, no concat: a block's bytes go out as read.
      yield Buffer.concat([varint(cid.bytes.byteLength + bytes!.byteLength), cid.bytes])
      yield bytes!
    }
  }
}

/** Groups a stream's chunks into batches of at least `minBytes` (the last may be smaller): fewer, larger writes. */
export async function* batchChunks(chunks: AsyncIterable<Uint8Array>, minBytes: number): AsyncGenerator<Uint8Array[]> {
  let batch: Uint8Array[] = []
  let bytes = 0
  for await (const chunk of chunks) {
    batch.push(chunk)
    bytes += chunk.byteLength
    if (bytes >= minBytes) {
      yield batch
      batch = []
      bytes = 0
    }
  }
  if (batch.length > 0) yield batch
}

/** Writes a CAR of `root` (and the DAGs of `include`) to `path` atomically (temp file, then rename). */
export async function writeCar(repo: IpfsRepo, root: CID, path: string, signal?: AbortSignal, include: readonly CID[] = []): Promise<{ path: string; bytes: number }> {
  const temp = `${path}.partial`
  let bytes = 0
  try {
    await pipeline(
      Readable.from(
        (async function* () {
          for await (const chunk of carStream(repo, root, signal, include)) {
            bytes += chunk.byteLength
            yield chunk
          }
        })(),
      ),
      createWriteStream(temp),
    )
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  return { path, bytes }
}

export type ImportCarResult = { roots: string[]; blocks: number; newBlocks: number; bytes: number }

/**
 * Imports a CAR file: every block is checked against its CID before it is stored, every root must be present and
 * its DAG complete; roots are pinned. A bad CAR stores nothing visible (blocks are committed only at the end).
 * @throws {CarInvalidError}
 */
export async function readCarInto(
  repo: IpfsRepo,
  path: string,
  label = 'car import',
  /** Further DAGs a root needs (a manifest's files), given the root's bytes; each must be complete too. */
  needs: (root: CID, load: (cid: CID) => Uint8Array) => Promise<{ cid: CID; what: string }[]> = async () => [],
): Promise<ImportCarResult> {
  let iterator: CarBlockIterator
  try {
    iterator = await CarBlockIterator.fromIterable(createReadStream(path))
  } catch (error) {
    throw new CarInvalidError(`${path} is not a CAR file: ${(error as Error).message}.`, 'Export it again with `modeldao model export`.')
  }
  const roots = await iterator.getRoots()
  if (roots.length === 0) throw new CarInvalidError(`${path} names no root.`, 'Use a CAR with a root CID.')
  const received = new Map<string, { cid: CID; bytes: Uint8Array }>()
  let bytes = 0
  try {
    for await (const { cid, bytes: block } of iterator) {
      if (!blockMatchesCid(cid, block)) throw new CarInvalidError(`Block ${cid} in ${path} does not match its hash.`, 'The CAR was altered or damaged; get a fresh copy.')
      received.set(multihashKey(cid), { cid, bytes: block })
      bytes += block.byteLength
    }
  } catch (error) {
    if (error instanceof CarInvalidError) throw error
    throw new CarInvalidError(`${path} is truncated or corrupt: ${(error as Error).message}.`, 'Get a complete copy of the CAR.')
  }
  // Every root's DAG must be complete, from the CAR or from blocks already stored; so must what a root needs.
  const fromCarOrStore = (cid: CID): Uint8Array | undefined => {
    const block = received.get(multihashKey(cid))
    if (block) return block.bytes
    if (repo.blockstore.has(cid)) return repo.blockstore.getBytes(cid)
    return undefined
  }
  const must = (root: CID, what: string) => (cid: CID) => {
    const bytes = fromCarOrStore(cid)
    if (!bytes) throw new CarInvalidError(`${path} lacks block ${cid} of ${what}.`, 'Export the CAR again with `modeldao model export <manifest CID>` (it holds every file) or with the whole DAG (dag-scope=all).')
    return bytes
  }
  const checked = new Set<string>()
  for (const root of roots) {
    for await (const _block of walkDag(root, { load: must(root, `root ${root}`), seen: checked })) {
      // Walking is the check: a missing block throws.
    }
    for (const needed of await needs(root, must(root, `root ${root}`))) {
      for await (const _block of walkDag(needed.cid, { load: must(root, needed.what), seen: checked })) {
        // Same check for each file a manifest names.
      }
    }
  }
  let newBlocks = 0
  for (const { cid, bytes: block } of received.values()) if (repo.blockstore.putBytes(cid, block, true)) newBlocks++
  for (const root of roots) await repo.pin(root, label)
  return { roots: roots.map(String), blocks: received.size, newBlocks, bytes }
}
