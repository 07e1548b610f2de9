import { fillTemplate, readTemplate } from '../templates/templates.js'
import { importBytes } from 'ipfs-unixfs-importer'
import { cidProfile, DEFAULT_CID_PROFILE, importerOptions } from '../ipfs/formats/cidProfiles.js'
import { importFile } from '../ipfs/formats/importFile.js'
import { parseCid } from '../ipfs/formats/verify.js'
import type { IpfsRepo } from '../ipfs/storage/repo.js'
import { parseTime } from '../units/time.js'
import { collectFiles } from './collectFiles.js'
import { ManifestInvalidError } from './errors.js'
import { hasGgufMagic, readGgufInfo } from './gguf.js'
import { encodeManifest, manifestProblems, MANIFEST_SCHEMA, type ManifestFile, type ModelManifest } from './manifest.js'

export type PublishProgress =
  | { stage: 'scanning' }
  | { stage: 'file-start'; path: string; fileIndex: number; fileCount: number; size: number }
  | { stage: 'importing'; path: string; fileIndex: number; fileCount: number; fileBytes: number; fileTotal: number; bytes: number; total: number }
  | { stage: 'file-done'; path: string; cid: string; fileIndex: number }
  | { stage: 'manifest' }

export type PublishToIpfsParams = {
  repo: IpfsRepo
  inputs: readonly string[]
  name: string
  description?: string | undefined
  license?: string | undefined
  architecture?: string | undefined
  datasets?: readonly string[] | undefined
  parent?: string | undefined
  creator?: string | undefined
  /** A time to record in the card (ISO 8601 or "now"). Left out by default: the manifest CID then depends on content only. */
  createdAt?: string | undefined
  cidProfile?: string | undefined
  /** JSON defaults (description, license, datasets); default templates/model-card.json. */
  cardTemplate?: string | undefined
  /** Markdown with {{placeholders}}; default templates/model-card.md. */
  readmeTemplate?: string | undefined
  signal?: AbortSignal | undefined
  onProgress?: ((event: PublishProgress) => void) | undefined
}

export type PublishResult = { manifestCid: string; manifest: ModelManifest; bytes: number; seconds: number }

/**
 * Imports files into the local repo with kubo-compatible CIDs, reads GGUF headers, writes the model card manifest
 * into IPFS and pins it. Re-running with the same files reuses stored blocks and yields the same CIDs.
 * @example const { manifestCid } = await publishToIpfs({ repo, inputs: ['./weights'], name: 'tiny-llama' })
 */
export async function publishToIpfs(params: PublishToIpfsParams): Promise<PublishResult> {
  const started = performance.now()
  const profile = cidProfile(params.cidProfile ?? DEFAULT_CID_PROFILE)
  params.onProgress?.({ stage: 'scanning' })
  const sources = await collectFiles(params.inputs)
  const ggufInfo = new Map<string, Awaited<ReturnType<typeof readGgufInfo>>>()
  for (const source of sources) {
    // Parse GGUF headers before importing anything: a malformed file fails fast.
    if (source.path.toLowerCase().endsWith('.gguf') || (source.size >= 4 && (await hasGgufMagic(source.absolute)))) {
      ggufInfo.set(source.path, await readGgufInfo(source.absolute))
    }
  }
  const card = JSON.parse(await readTemplate(params.cardTemplate, 'model-card.json')) as Partial<ModelManifest>
  const total = sources.reduce((n, f) => n + f.size, 0)
  let done = 0
  const files: ManifestFile[] = []
  for (const [fileIndex, source] of sources.entries()) {
    params.signal?.throwIfAborted()
    params.onProgress?.({ stage: 'file-start', path: source.path, fileIndex, fileCount: sources.length, size: source.size })
    const imported = await importFile(params.repo.blockstore, source.absolute, profile, {
      signal: params.signal,
      onProgress: ({ bytes, total: fileTotal }) =>
        params.onProgress?.({ stage: 'importing', path: source.path, fileIndex, fileCount: sources.length, fileBytes: bytes, fileTotal, bytes: done + bytes, total }),
    })
    done += imported.size
    const gguf = ggufInfo.get(source.path)
    files.push({ path: source.path, cid: imported.cid.toString(), size: imported.size, sha256: imported.sha256, ...(gguf ? { gguf } : {}) })
    params.onProgress?.({ stage: 'file-done', path: source.path, cid: imported.cid.toString(), fileIndex })
  }

  params.onProgress?.({ stage: 'manifest' })
  const firstGguf = files.find((f) => f.gguf)?.gguf
  const description = params.description ?? card.description ?? ''
  const license = params.license ?? card.license ?? 'unspecified'
  const architecture = params.architecture ?? firstGguf?.architecture ?? null
  const datasets = [...(params.datasets ?? card.datasets ?? [])]
  const readme = fillTemplate(await readTemplate(params.readmeTemplate, 'model-card.md'), {
    name: params.name,
    description,
    license,
    architecture: architecture ?? 'unknown',
    datasets: datasets.length ? datasets.join(', ') : 'none listed',
    files: files.map((f) => `- \`${f.path}\` — ${f.size} bytes, ${f.cid}`).join('\n'),
  })
  const { name: profileName, ...profileParams } = profile
  const manifest: ModelManifest = {
    schema: MANIFEST_SCHEMA,
    name: params.name,
    description,
    license,
    architecture,
    files,
    cidProfile: { name: profileName, ...profileParams },
    datasets,
    parent: params.parent ?? null,
    creator: params.creator ?? null,
    createdAt: params.createdAt === undefined ? null : parseTime(params.createdAt, '--created-at'),
    readme,
  }
  const problems = manifestProblems(manifest)
  if (problems.length) throw new ManifestInvalidError(problems, 'the new manifest')
  const stored = await importBytes(encodeManifest(manifest), params.repo.blockstore, importerOptions(profile))
  const manifestCid = stored.cid.toString()
  for (const file of files) {
    await params.repo.pin(parseCid(file.cid), `${params.name}/${file.path}`)
  }
  await params.repo.pin(stored.cid, `${params.name} (manifest)`)
  return { manifestCid, manifest, bytes: done, seconds: (performance.now() - started) / 1000 }
}
