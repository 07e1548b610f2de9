import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { ImporterOptions } from 'ipfs-unixfs-importer'
import { CidProfileUnknownError } from '../errors.js'

/**
 * How files become DAGs. The profile is recorded in the manifest, so anyone can rebuild the same CIDs.
 * - `kubo-v1`: `ipfs add --cid-version=1` in kubo: CIDv1, raw leaves, 256 KiB chunks, balanced DAG with 174 links.
 * - `unixfs-v1-2025`: kubo's newer profile (also Helia's and ipfs-car's default): 1 MiB chunks, 1024 links.
 */
export const cidProfiles = {
  'kubo-v1': { cidVersion: 1, rawLeaves: true, chunkSize: 262_144, maxChildrenPerNode: 174, layout: 'balanced' },
  'unixfs-v1-2025': { cidVersion: 1, rawLeaves: true, chunkSize: 1_048_576, maxChildrenPerNode: 1024, layout: 'balanced' },
} as const

export type CidProfileName = keyof typeof cidProfiles
export type CidProfile = (typeof cidProfiles)[CidProfileName] & { name: CidProfileName }
export const DEFAULT_CID_PROFILE: CidProfileName = 'kubo-v1'

/** @throws {CidProfileUnknownError} */
export function cidProfile(name: string): CidProfile {
  if (!(name in cidProfiles)) {
    throw new CidProfileUnknownError(name, Object.keys(cidProfiles))
  }
  return { name: name as CidProfileName, ...cidProfiles[name as CidProfileName] }
}

/** Importer options that reproduce a profile exactly (chunker and layout passed explicitly). */
export function importerOptions(profile: CidProfile) {
  return {
    cidVersion: profile.cidVersion,
    rawLeaves: profile.rawLeaves,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: profile.chunkSize }),
    layout: balanced({ maxChildrenPerNode: profile.maxChildrenPerNode }),
  } satisfies ImporterOptions
}
