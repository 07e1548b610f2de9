import { createHash, type Hash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { importByteStream } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import { importerOptions, type CidProfile } from './cidProfiles.js'
import type { PackBlockstore } from '../storage/packBlockstore.js'

export type ImportedFile = { cid: CID; size: number; sha256: string }
export type ImportProgress = { bytes: number; total: number }

/** Read size: large reads keep syscalls few; the chunker re-slices into the profile's chunk size. */
const READ_BYTES = 4 * 1024 * 1024

/** The file's chunks from its current position, each from a fresh buffer (safe to keep), hashed on the way. */
async function* readHashing(handle: FileHandle, hash: Hash, signal: AbortSignal | undefined, onChunk: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for (;;) {
    signal?.throwIfAborted()
    const buffer = Buffer.allocUnsafe(READ_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null)
    if (bytesRead === 0) return
    const chunk = buffer.subarray(0, bytesRead)
    hash.update(chunk)
    onChunk(chunk)
    yield chunk
  }
}

/**
 * Imports one file into the blockstore with the profile's exact DAG parameters and computes its sha256 in the same
 * single read. Blocks already stored are not written again.
 */
export async function importFile(
  blockstore: PackBlockstore,
  path: string,
  profile: CidProfile,
  options: { onProgress?: ((progress: ImportProgress) => void) | undefined; signal?: AbortSignal | undefined } = {},
): Promise<ImportedFile> {
  const handle = await open(path, 'r')
  try {
    const total = (await handle.stat()).size
    const hash = createHash('sha256')
    let bytes = 0
    const read = () =>
      readHashing(handle, hash, options.signal, (chunk) => {
        bytes += chunk.length
        options.onProgress?.({ bytes, total })
      })
    // Every chunk comes from a fresh read buffer that nothing reuses, so the store may keep it without a copy.
    const store = {
      put: async (cid: CID, block: Uint8Array) => {
        blockstore.putBytes(cid, block, true)
        await blockstore.maybeCheckpoint()
        return cid
      },
    }
    const result = await importByteStream(read(), store, importerOptions(profile))
    return { cid: result.cid, size: bytes, sha256: hash.digest('hex') }
  } finally {
    await handle.close()
  }
}

/**
 * The CID a file gets under a profile and its sha256, in one read, storing nothing: what a verifier compares with a
 * manifest entry.
 */
export async function hashFile(path: string, profile: CidProfile, signal?: AbortSignal): Promise<ImportedFile> {
  const handle = await open(path, 'r')
  try {
    const hash = createHash('sha256')
    let bytes = 0
    const discard = { put: async (cid: CID) => cid }
    const result = await importByteStream(
      readHashing(handle, hash, signal, (chunk) => (bytes += chunk.length)),
      discard,
      importerOptions(profile),
    )
    return { cid: result.cid, size: bytes, sha256: hash.digest('hex') }
  } finally {
    await handle.close()
  }
}
