import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import type { CID } from 'multiformats/cid'
import { ExitCode, ModeldaoError } from '../errors/base.js'
import { fetchDag, type BlockSource } from '../ipfs/fetch.js'
import { fileContent } from '../ipfs/fileContent.js'
import type { IpfsRepo } from '../ipfs/repo.js'
import { parseCid } from '../ipfs/verify.js'
import { parseManifest, type ManifestFile, type ModelManifest } from './manifest.js'

export class Sha256MismatchError extends ModeldaoError {
  override name = 'Sha256MismatchError'
  constructor(path: string, expected: string, actual: string) {
    super('SHA256_MISMATCH', `${path} does not match the manifest's sha256.`, {
      details: `expected ${expected}, got ${actual}`,
      hints: ['The manifest and its files disagree: the publisher made a mistake or the manifest was forged. Nothing was written.'],
      exitCode: ExitCode.invalidInput,
    })
  }
}

export type GetProgress =
  | { stage: 'manifest' }
  | { stage: 'fetching'; path: string; fileIndex: number; fileCount: number; blocks: number; fetchedBytes: number; fileSize: number }
  | { stage: 'writing'; path: string; fileIndex: number; bytes: number; fileSize: number }
  | { stage: 'file-done'; path: string; fileIndex: number; reused: boolean }

/** Reads a manifest from the local repo (fetching it first when a source is given). @throws {ManifestInvalidError} */
export async function loadManifest(repo: IpfsRepo, manifestCid: CID, source?: BlockSource, signal?: AbortSignal): Promise<ModelManifest> {
  await fetchDag(repo, manifestCid, source, { signal })
  const parts: Uint8Array[] = []
  for await (const part of fileContent(manifestCid, (cid) => repo.blockstore.getBytes(cid))) parts.push(part)
  return parseManifest(Buffer.concat(parts), `manifest ${manifestCid}`)
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
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
  const root = resolve(outDir)
  const target = resolve(root, file.path)
  if (!target.startsWith(root + sep)) throw new ModeldaoError('MANIFEST_PATH_UNSAFE', `Manifest path "${file.path}" points outside ${root}.`)
  try {
    const existing = await stat(target)
    if (existing.size === file.size && (await sha256OfFile(target)) === file.sha256) return { path: target, reused: true }
  } catch {
    // Not there yet.
  }
  await mkdir(dirname(target), { recursive: true })
  const partial = join(dirname(target), `.${basename(target)}.partial`)
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
    if (bytes !== file.size) throw new Sha256MismatchError(file.path, `${file.size} bytes`, `${bytes} bytes`)
    if (actual !== file.sha256) throw new Sha256MismatchError(file.path, file.sha256, actual)
    await rename(partial, target)
  } catch (error) {
    await handle.close().catch(() => {})
    await rm(partial, { force: true })
    throw error
  }
  return { path: target, reused: false }
}

export type GetModelParams = {
  repo: IpfsRepo
  manifestCid: string
  outDir: string
  /** Where missing blocks come from; without one, everything must already be in the local repo. */
  source?: BlockSource | undefined
  signal?: AbortSignal | undefined
  onProgress?: ((event: GetProgress) => void) | undefined
}

export type GetModelResult = {
  manifestCid: string
  manifest: ModelManifest
  outDir: string
  files: { path: string; cid: string; size: number; reused: boolean }[]
  fetchedBytes: number
  seconds: number
}

/**
 * Fetches a model's manifest and files, verifies every block against its CID and every file against the manifest's
 * sha256, and writes the files atomically into `outDir`. Blocks are kept in the local repo and pinned, so an
 * interrupted get resumes where it stopped.
 * @example await getModel({ repo, manifestCid, outDir: './model', source: gatewaySource('http://127.0.0.1:8080') })
 */
export async function getModel(params: GetModelParams): Promise<GetModelResult> {
  const started = performance.now()
  const manifestCid = parseCid(params.manifestCid)
  params.onProgress?.({ stage: 'manifest' })
  const manifest = await loadManifest(params.repo, manifestCid, params.source, params.signal)
  const files: GetModelResult['files'] = []
  let fetchedBytes = 0
  for (const [fileIndex, file] of manifest.files.entries()) {
    const cid = parseCid(file.cid)
    const fetched = await fetchDag(params.repo, cid, params.source, {
      signal: params.signal,
      onProgress: (p) =>
        params.onProgress?.({ stage: 'fetching', path: file.path, fileIndex, fileCount: manifest.files.length, blocks: p.blocks, fetchedBytes: p.fetchedBytes, fileSize: file.size }),
    })
    fetchedBytes += fetched.fetchedBytes
    const written = await writeManifestFile(params.repo, file, params.outDir, (bytes) =>
      params.onProgress?.({ stage: 'writing', path: file.path, fileIndex, bytes, fileSize: file.size }),
    )
    await params.repo.pin(cid, `${manifest.name}/${file.path}`)
    files.push({ path: file.path, cid: file.cid, size: file.size, reused: written.reused })
    params.onProgress?.({ stage: 'file-done', path: file.path, fileIndex, reused: written.reused })
  }
  await params.repo.pin(manifestCid, `${manifest.name} (manifest)`)
  return { manifestCid: manifestCid.toString(), manifest, outDir: resolve(params.outDir), files, fetchedBytes, seconds: (performance.now() - started) / 1000 }
}
