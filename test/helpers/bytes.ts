import { createHash } from 'node:crypto'

/** Deterministic pseudo-random bytes (sha256 in counter mode): the same seed gives the same file everywhere. */
export function seededBytes(length: number, seed = 'modeldao'): Uint8Array {
  const out = Buffer.allocUnsafe(length)
  let offset = 0
  for (let counter = 0; offset < length; counter++) {
    const block = createHash('sha256').update(`${seed}:${counter}`).digest()
    offset += block.copy(out, offset, 0, Math.min(block.length, length - offset))
  }
  return out
}
