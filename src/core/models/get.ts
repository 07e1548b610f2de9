import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import type { CID } from 'multiformats/cid'
import { Sha256MismatchError } from '../ipfs/errors.js'
import { fileContent } from '../ipfs/formats/fileContent.js'
import { parseCid } from '../ipfs/formats/verify.js'
import { fetchDag } from '../ipfs/network/fetch.js'
import { fetchFileToDisk } from '../ipfs/network/fileFetch.js'
import { SourcePool, type SourceStats } from '../ipfs/network/sourcePool.js'
import type { BlockSource } from '../ipfs/network/sources.js'
import type { IpfsRepo } from '../ipfs/storage/repo.js'
import { ManifestPathUnsafeError, ModelIncompleteError } from './errors.js'
import { parseManifest, type ManifestFile, type ModelManifest } from './manifest.js'

export type GetProgress =
  | { stage: 'manifest' }
  | { stage: 'fetching'; path: string; fileIndex: number; fileCount: number; bytes: number; fetchedBytes: number; fileSize: number; sources: SourceStats[] }
  | { stage: 'writing'; path: string; fileIndex: number; bytes: number; fileSize: number }
  | { stage: 'file-done'; path: string; fileIndex: number; reused: boolean }

/** Reads a manifest from the local repo (fetching it first when a source is given). @throws {ManifestInvalidError} */
export async function loadManifest(repo: IpfsRepo, manifestCid: CID, source?: BlockSource, signal?: AbortSignal): Promise<ModelManifest> {
  await fetchDag(repo, manifestCid, source, { signal })
  const parts: Uint8Array[] = []
  for await (const part of fileContent(manifestCid, (cid) => repo.blockstore.getBytes(cid))) parts.push(part)
  return parseManifest(Buffer.concat(parts), `manifest ${manifestCid}`)
}

/** sha256 of a file, hex, read in 4 MiB chunks. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Where a manifest file goes, and its hidden in-progress sibling. @throws {ManifestPathUnsafeError} */
function outputPaths(outDir: string, path: string): { target: string; partial: string } {
  const root = resolve(outDir)
  const target = resolve(root, path)
  if (!target.startsWith(root + sep)) throw new ManifestPathUnsafeError(path, root)
  return { target, partial: join(dirname(target), `.${basename(target)}.partial`) }
}

/** True when the file is already in place with the manifest's size and sha256. */
async function alreadyThere(target: string, file: ManifestFile): Promise<boolean> {
  const existing = await stat(target).catch(() => undefined)
  return existing?.size === file.size && (await sha256OfFile(target)) === file.sha256
}

/**
 * Writes one manifest file from the local repo to `outDir`, checking size and sha256, atomically: a hidden
 * `.name.partial` sibling is renamed into place only when it verifies. An existing verified file is kept.
 */
export async function writeManifestFile(
  repo: IpfsRepo,
  file: ManifestFile,
  outDir: string,
  onBytes?: (bytes: number) => void,
): Promise<{ path: string; reused: boolean }> {
  const { target, partial } = outputPaths(outDir, file.path)
  if (await alreadyThere(target, file)) return { path: target, reused: true }
  await mkdir(dirname(target), { recursive: true })
  const handle = await open(partial, 'w')
  const hash = createHash('sha256')
  let bytes = 0
  try {
    for await (const chunk of fileContent(parseCid(file.cid), (cid) => repo.blockstore.getBytes(cid))) {
      hash.update(chunk)
      await handle.write(chunk)
      bytes += chunk.byteLength
      onBytes?.(bytes)
    }
    await handle.sync()
    await handle.close()
    const actual = hash.digest('hex')
    if (bytes !== file.size) throw new Sha256MismatchError(file.path, `${bytes} bytes, the manifest says ${file.size}`)
    if (actual !== file.sha256) throw new Sha256MismatchError(file.path, `sha256 is ${actual}, the manifest says ${file.sha256}`)
    await rename(partial, target)
  } catch (error) {
    await handle.close().catch(() => {})
    await rm(partial, { force: true })
    throw error
  }
  return { path: target, reused: false }
}

export type FetchModelFilesParams = {
  repo: IpfsRepo
  manifestCid: string
  outDir: string
  /** Where missing blocks come from (one source, or a pool of several); without one, everything must be local. */
  source?: BlockSource | SourcePool | undefined
  /** Also keep every fetched block in the repo and pin the files, so `ipfs daemon` serves the model on. */
  keep?: boolean | undefined
  /** Largest subtree fetched as one unit (see fetchFileToDisk). */
  unitBytes?: number | undefined
  signal?: AbortSignal | undefined
  onProgress?: ((event: GetProgress) => void) | undefined
}

export type FetchModelFilesResult = {
  manifestCid: string
  manifest: ModelManifest
  outDir: string
  files: { path: string; cid: string; size: number; reused: boolean }[]
  fetchedBytes: number
  seconds: number
  /** What each source delivered, and why any was dropped. */
  sources: SourceStats[]
  /** True when the files are pinned in the local repo (kept), so this node serves them. */
  kept: boolean
}

/**
 * Fetches a model's manifest and files, verifies every block against its CID and every file against the manifest's
 * sha256, and writes the files atomically into `outDir`. Files stream straight to disk through hidden `.partial`
 * siblings, so an interrupted get resumes where it stopped; the manifest is kept and pinned in the local repo.
 * @example await getModel({ repo, manifestCid, outDir: './model', source: gatewaySource('http://127.0.0.1:8080') })
 */
export async function fetchModelFiles(params: FetchModelFilesParams): Promise<FetchModelFilesResult> {
  const started = performance.now()
  const manifestCid = parseCid(params.manifestCid)
  const pool = params.source instanceof SourcePool ? params.source : params.source && new SourcePool([params.source])
  params.onProgress?.({ stage: 'manifest' })
  const manifest = await loadManifest(params.repo, manifestCid, pool, params.signal)
  const files: FetchModelFilesResult['files'] = []
  let fetchedBytes = 0
  let pinnedFiles = 0
  for (const [fileIndex, file] of manifest.files.entries()) {
    const cid = parseCid(file.cid)
    const { target, partial } = outputPaths(params.outDir, file.path)
    let reused = await alreadyThere(target, file)
    if (!reused && pool) {
      // Straight to disk: verified leaf by leaf, one write, resumable from the hidden .partial file.
      await mkdir(dirname(target), { recursive: true })
      const fetched = await fetchFileToDisk({
        repo: params.repo,
        sources: pool,
        root: cid,
        size: file.size,
        sha256: file.sha256,
        path: file.path,
        target,
        partial,
        keep: params.keep,
        unitBytes: params.unitBytes,
        signal: params.signal,
        onProgress: (p) =>
          params.onProgress?.({
            stage: 'fetching',
            path: file.path,
            fileIndex,
            fileCount: manifest.files.length,
            bytes: p.bytes,
            fetchedBytes: p.fetchedBytes,
            fileSize: file.size,
            sources: p.sources,
          }),
      })
      fetchedBytes += fetched.fetchedBytes
      if (params.keep) {
        await params.repo.pin(cid, `${manifest.name}/${file.path}`)
        pinnedFiles++
      }
    } else if (reused && params.keep) {
      // The file is in place already: keeping it means its blocks, from the sources or the repo.
      await fetchDag(params.repo, cid, pool, { signal: params.signal })
      await params.repo.pin(cid, `${manifest.name}/${file.path}`)
      pinnedFiles++
    } else if (!reused) {
      // No source: everything must be in the local repo (a model published or imported here).
      try {
        reused = (await writeManifestFile(params.repo, file, params.outDir, (bytes) =>
          params.onProgress?.({ stage: 'writing', path: file.path, fileIndex, bytes, fileSize: file.size }),
        )).reused
      } catch (error) {
        // Named NotFoundError for Helia's sake: here it means the model is not complete in the local repo.
        if ((error as Error).name === 'NotFoundError') throw new ModelIncompleteError(manifest.name, file.path, error)
        throw error
      }
      await params.repo.pin(cid, `${manifest.name}/${file.path}`)
      pinnedFiles++
    }
    files.push({ path: file.path, cid: file.cid, size: file.size, reused })
    params.onProgress?.({ stage: 'file-done', path: file.path, fileIndex, reused })
  }
  await params.repo.pin(manifestCid, `${manifest.name} (manifest)`)
  return {
    manifestCid: manifestCid.toString(),
    manifest,
    outDir: resolve(params.outDir),
    files,
    fetchedBytes,
    seconds: (performance.now() - started) / 1000,
    sources: pool?.snapshot() ?? [],
    kept: pinnedFiles === manifest.files.length,
  }
}
