import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { equals } from 'multiformats/bytes'
import { InvalidCidError, UnsupportedHashError } from '../errors.js'

const SHA2_256 = 0x12
const IDENTITY = 0x00

/** True when `bytes` hash to the CID's multihash. sha2-256 and identity only. @throws {UnsupportedHashError} */
export function blockMatchesCid(cid: CID, bytes: Uint8Array): boolean {
  const { code, digest } = cid.multihash
  if (code === SHA2_256) return equals(createHash('sha256').update(bytes).digest(), digest)
  if (code === IDENTITY) return equals(bytes, digest)
  throw new UnsupportedHashError(cid.toString(), code)
}

/** Parses a CID string, with a clear error. @throws {InvalidCidError} */
export function parseCid(value: string): CID {
  try {
    return CID.parse(value.trim().replace(/^\/?ipfs\//, '').replace(/^ipfs:\/\//, ''))
  } catch (error) {
    throw new InvalidCidError(value, error)
  }
}

/** A map key for a block: its multihash (the same bytes under another codec are the same block). */
export const multihashKey = (cid: CID): string => Buffer.from(cid.multihash.bytes).toString('base64')
