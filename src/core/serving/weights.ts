import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { ModeldaoContext } from '../context/context.js'
import { cidProfile, DEFAULT_CID_PROFILE, type CidProfile } from '../ipfs/formats/cidProfiles.js'
import { hashFile } from '../ipfs/formats/importFile.js'
import { parseCid } from '../ipfs/formats/verify.js'
import { openSourcePool, type SourceParams } from '../ipfs/network/sources.js'
import { collectFiles } from '../models/collectFiles.js'
import { fetchModelFiles, loadManifest, type GetProgress } from '../models/get.js'
import type { ManifestFile, ModelManifest } from '../models/manifest.js'
import { resolveModelRef } from '../actions/models/resolveModelRef.js'
import { ModelHasNoGgufError, WeightsMismatchError, WeightsNotFoundError } from './errors.js'

export type ServedWeights = {
  /** The model id on chain, when served by id. */
  modelId: string | null
  manifestCid: string | null
  /** The model's name (manifest), or the file name for a local file. */
  name: string
  /** The GGUF file that will be loaded. */
  path: string
  /** Its path in the manifest (or file name). */
  file: string
  /** Its UnixFS CID (the manifest's profile; kubo-v1 for local files) and sha256, as recomputed from the bytes on disk. */
  weightsCid: string
  sha256: string
  size: number
  /** True when CID and sha256 were checked against a manifest; false for a local file served as is. */
  verified: boolean
}

export type ResolveWeightsParams = SourceParams & {
  /** A model id on chain, a manifest CID, or a path to a local GGUF file or folder. */
  model: string
  /** A local copy of the model's files (folder or .gguf), checked against the manifest instead of fetching. */
  weights?: string | undefined
  /** Which GGUF of the manifest to serve when it has several. */
  file?: string | undefined
  signal?: AbortSignal | undefined
  onProgress?: ((event: GetProgress | { stage: 'verifying'; path: string }) => void) | undefined
}

const isGguf = (path: string) => path.toLowerCase().endsWith('.gguf')
const exists = (path: string) => stat(path).then((s) => s, () => undefined)

/** The manifest's file to serve: its only GGUF, or the one named. @throws {ModelHasNoGgufError} */
export function pickGguf(manifest: ModelManifest, label: string, file?: string): ManifestFile {
  const ggufs = manifest.files.filter((f) => isGguf(f.path))
  if (file !== undefined) {
    const named = ggufs.find((f) => f.path === file)
    if (!named) throw new ModelHasNoGgufError(label, ggufs.map((f) => f.path))
    return named
  }
  if (ggufs.length !== 1) throw new ModelHasNoGgufError(label, ggufs.map((f) => f.path))
  return ggufs[0]!
}

/**
 * Recomputes a file's size, sha256 and CID (with the manifest's DAG profile) and compares them with the manifest.
 * @throws {WeightsMismatchError} naming the file and both values.
 */
export async function verifyAgainstManifest(path: string, entry: ManifestFile, profile: CidProfile, signal?: AbortSignal): Promise<{ cid: string; sha256: string; size: number }> {
  const actual = await hashFile(path, profile, signal)
  if (actual.size !== entry.size) throw new WeightsMismatchError(path, 'size', `${entry.size} bytes`, `${actual.size} bytes`)
  if (actual.sha256 !== entry.sha256) throw new WeightsMismatchError(path, 'sha256', entry.sha256, actual.sha256)
  const cid = actual.cid.toString()
  if (!parseCid(entry.cid).equals(actual.cid)) throw new WeightsMismatchError(path, 'cid', entry.cid, cid)
  return { cid, sha256: actual.sha256, size: actual.size }
}

/** The manifest's DAG profile as importer parameters (its own numbers, whatever its name). */
const profileOf = (manifest: ModelManifest): CidProfile => ({ ...manifest.cidProfile, layout: 'balanced' }) as unknown as CidProfile

/** A local file or folder served without a manifest. @throws {WeightsNotFoundError} {ModelHasNoGgufError} */
async function localWeights(path: string, file: string | undefined): Promise<ServedWeights> {
  const found = await collectFiles([path]).catch((error: unknown) => {
    throw new WeightsNotFoundError(path, (error as Error).message)
  })
  const ggufs = found.filter((f) => isGguf(f.path) && (file === undefined || f.path === file || basename(f.absolute) === file))
  if (ggufs.length !== 1) throw new ModelHasNoGgufError(path, found.filter((f) => isGguf(f.path)).map((f) => f.path))
  const chosen = ggufs[0]!
  const hashed = await hashFile(chosen.absolute, cidProfile(DEFAULT_CID_PROFILE))
  return {
    modelId: null,
    manifestCid: null,
    name: basename(chosen.absolute).replace(/\.gguf$/i, ''),
    path: chosen.absolute,
    file: chosen.path,
    weightsCid: hashed.cid.toString(),
    sha256: hashed.sha256,
    size: hashed.size,
    verified: false,
  }
}

/**
 * The GGUF a node will serve, verified before anything loads it. A model id or manifest CID is resolved (chain, then
 * IPFS); its file is fetched into `<home>/models/<manifest CID>` from the local repo, peers or gateways (every block
 * checked against its CID), or taken from `weights`; then its size, sha256 and CID are recomputed from the bytes on
 * disk and compared with the manifest. A local path is served as is, unverified.
 * @throws {WeightsMismatchError} {ModelHasNoGgufError} {WeightsNotFoundError} and the fetch errors of getModel.
 */
export async function resolveServedWeights(ctx: ModeldaoContext, params: ResolveWeightsParams): Promise<ServedWeights> {
  // Digits are a model id; anything else that exists on disk is a local file or folder; the rest must be a CID.
  if (!/^\d+$/.test(params.model) && (await exists(params.model))) return localWeights(params.model, params.file)
  const { manifestCid, modelId } = await resolveModelRef(ctx, { ref: params.model })
  const label = modelId ?? manifestCid
  const repo = ctx.repo()
  const source = await openSourcePool(repo, params)
  let manifest: ModelManifest
  let entry: ManifestFile
  let path: string
  let checked: Awaited<ReturnType<typeof verifyAgainstManifest>> | undefined
  const verify = () => {
    params.onProgress?.({ stage: 'verifying', path })
    return verifyAgainstManifest(path, entry, profileOf(manifest), params.signal)
  }
  try {
    manifest = await loadManifest(repo, parseCid(manifestCid), source, params.signal)
    entry = pickGguf(manifest, label, params.file)
    if (params.weights !== undefined) {
      const given = await exists(params.weights)
      if (!given) throw new WeightsNotFoundError(params.weights, 'no such file or folder')
      path = given.isDirectory() ? join(params.weights, entry.path) : params.weights
      if (!(await exists(path))) throw new WeightsNotFoundError(params.weights, `it has no ${entry.path}`)
    } else {
      const outDir = join(ctx.home.models, manifestCid)
      path = join(outDir, entry.path)
      // A copy fetched before is verified once, here; only a missing or altered one is fetched (again).
      if (await exists(path)) checked = await verify().catch(() => undefined)
      if (!checked) await fetchModelFiles({ repo, manifestCid, outDir, source, signal: params.signal, onProgress: params.onProgress })
    }
  } finally {
    await source?.close()
  }
  checked ??= await verify()
  return {
    modelId: modelId ?? null,
    manifestCid,
    name: manifest.name,
    path,
    file: entry.path,
    weightsCid: checked.cid,
    sha256: checked.sha256,
    size: checked.size,
    verified: true,
  }
}
