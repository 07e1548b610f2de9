import type { CidProfile } from '../ipfs/formats/cidProfiles.js'
import type { GgufInfo } from './gguf.js'
import { ManifestInvalidError } from './errors.js'

export { MANIFEST_SCHEMA } from './schema.js'
import { MANIFEST_SCHEMA } from './schema.js'

export type ManifestFile = { path: string; cid: string; size: number; sha256: string; gguf?: GgufInfo }

/**
 * The model card: what a model is and exactly which bytes make it. Its CID is what goes on chain.
 * Versioned by `schema`; a reader refuses a schema it does not know.
 */
export type ModelManifest = {
  schema: typeof MANIFEST_SCHEMA
  name: string
  description: string
  license: string
  /** From the first GGUF file when not given. */
  architecture: string | null
  files: ManifestFile[]
  /** The DAG parameters every file CID was built with. */
  cidProfile: Omit<CidProfile, 'name'> & { name: string }
  datasets: string[]
  /** Manifest CID of the previous version, if any. */
  parent: string | null
  creator: string | null
  /**
   * When the card was written, only if the publisher asked for it: left null by default so that the same files and
   * card always give the same manifest CID.
   */
  createdAt: string | null
  /** Free Markdown, from the card template. */
  readme: string
}


const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const CID_PATTERN = /^(b[a-z2-7]{20,}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/

/** Every problem with a parsed manifest, as `path: what is wrong`. Empty when valid. */
export function manifestProblems(value: unknown): string[] {
  const problems: string[] = []
  if (!isObject(value)) return ['$: not a JSON object']
  if (value.schema !== MANIFEST_SCHEMA) problems.push(`schema: expected "${MANIFEST_SCHEMA}", got ${JSON.stringify(value.schema)}`)
  for (const key of ['name', 'description', 'license', 'readme'] as const) {
    if (typeof value[key] !== 'string') problems.push(`${key}: must be a string`)
  }
  if (typeof value.name === 'string' && value.name.trim() === '') problems.push('name: must not be empty')
  if (value.createdAt !== null && (typeof value.createdAt !== 'string' || Number.isNaN(Date.parse(value.createdAt)))) problems.push('createdAt: must be an ISO 8601 time or null')
  for (const key of ['architecture', 'parent', 'creator'] as const) {
    if (value[key] !== null && typeof value[key] !== 'string') problems.push(`${key}: must be a string or null`)
  }
  if (typeof value.parent === 'string' && !CID_PATTERN.test(value.parent)) problems.push('parent: not a CID')
  if (typeof value.creator === 'string' && !/^0x[0-9a-fA-F]{40}$/.test(value.creator)) problems.push('creator: not an address')
  if (!Array.isArray(value.datasets) || value.datasets.some((d) => typeof d !== 'string')) problems.push('datasets: must be an array of strings')
  const profile = value.cidProfile
  if (!isObject(profile) || typeof profile.name !== 'string' || typeof profile.chunkSize !== 'number' || typeof profile.maxChildrenPerNode !== 'number') {
    problems.push('cidProfile: must name the profile with chunkSize and maxChildrenPerNode')
  }
  if (!Array.isArray(value.files) || value.files.length === 0) {
    problems.push('files: must be a non-empty array')
  } else {
    const seen = new Set<string>()
    value.files.forEach((file, i) => {
      if (!isObject(file)) return problems.push(`files[${i}]: not an object`)
      if (typeof file.path !== 'string' || file.path === '' || file.path.startsWith('/') || file.path.split('/').includes('..')) {
        problems.push(`files[${i}].path: must be a relative path without ".."`)
      } else if (seen.has(file.path)) problems.push(`files[${i}].path: "${file.path}" appears twice`)
      else seen.add(file.path)
      if (typeof file.cid !== 'string' || !CID_PATTERN.test(file.cid)) problems.push(`files[${i}].cid: not a CID`)
      if (typeof file.size !== 'number' || !Number.isSafeInteger(file.size) || file.size < 0) problems.push(`files[${i}].size: must be a non-negative integer`)
      if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) problems.push(`files[${i}].sha256: must be 64 lowercase hex digits`)
    })
  }
  return problems
}

/** Parses and validates manifest JSON. @throws {ManifestInvalidError} */
export function parseManifest(json: string | Uint8Array, where?: string): ModelManifest {
  let value: unknown
  try {
    value = JSON.parse(typeof json === 'string' ? json : new TextDecoder().decode(json))
  } catch (error) {
    throw new ManifestInvalidError([`$: invalid JSON (${(error as Error).message})`], where)
  }
  const problems = manifestProblems(value)
  if (problems.length) throw new ManifestInvalidError(problems, where)
  return value as ModelManifest
}

/** Canonical bytes of a manifest: stable key order as built, two-space indent, trailing newline. */
export function encodeManifest(manifest: ModelManifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)
}
