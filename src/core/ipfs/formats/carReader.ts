import { createHash } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { equals } from 'multiformats/bytes'
import { CarInvalidError, UnsupportedHashError } from '../errors.js'

/** The largest block a CAR may carry: bitswap's limit; a longer section is a broken or hostile stream. */
const MAX_SECTION_BYTES = 4 * 1024 * 1024 + 256
const SHA2_256 = 0x12
const IDENTITY = 0x00

/** A block read from a CAR stream as views into the received chunks: no copy, no concat. */
export type CarBlockPieces = { cid: CID; pieces: Uint8Array[]; length: number }

/** True when the pieces, in order, hash to the CID's multihash. @throws {UnsupportedHashError} */
export function piecesMatchCid(cid: CID, pieces: readonly Uint8Array[]): boolean {
  const { code, digest } = cid.multihash
  if (code === SHA2_256) {
    const hash = createHash('sha256')
    for (const piece of pieces) hash.update(piece)
    return equals(hash.digest(), digest)
  }
  if (code === IDENTITY) return equals(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), digest)
  throw new UnsupportedHashError(cid.toString(), code)
}

/** Buffered chunks of a byte stream, read from the front without copying where it can. */
class ChunkQueue {
  private readonly chunks: Uint8Array[] = []
  private head = 0
  private available = 0
  private ended = false

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Pulls chunks until `n` bytes are buffered; false when the stream ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.available < n && !this.ended) {
      const next = await this.source.next()
      if (next.done) this.ended = true
      else if (next.value.byteLength > 0) {
        this.chunks.push(next.value)
        this.available += next.value.byteLength
      }
    }
    return this.available >= n
  }

  async byte(): Promise<number | undefined> {
    if (!(await this.fill(1))) return undefined
    const value = this.chunks[0]![this.head]!
    this.skip(1)
    return value
  }

  /** `n` bytes (buffered already) as views into the chunks. */
  pieces(n: number): Uint8Array[] {
    const out: Uint8Array[] = []
    while (n > 0) {
      const chunk = this.chunks[0]!
      const take = Math.min(n, chunk.byteLength - this.head)
      out.push(chunk.subarray(this.head, this.head + take))
      this.skip(take)
      n -= take
    }
    return out
  }

  /** The next `max` buffered bytes (or fewer), contiguous, without consuming them. */
  peek(max: number): Uint8Array {
    const first = this.chunks[0]!
    if (first.byteLength - this.head >= max || this.chunks.length === 1) return first.subarray(this.head, this.head + max)
    return Buffer.concat(this.chunks.slice(0, 4)).subarray(this.head, this.head + max)
  }

  skip(n: number) {
    this.available -= n
    while (n > 0) {
      const left = this.chunks[0]!.byteLength - this.head
      if (n < left) {
        this.head += n
        return
      }
      n -= left
      this.chunks.shift()
      this.head = 0
    }
  }

  async varint(atBoundary: boolean): Promise<number | undefined> {
    let value = 0
    for (let shift = 0; shift < 49; shift += 7) {
      const byte = await this.byte()
      if (byte === undefined) {
        if (atBoundary && shift === 0) return undefined
        throw new CarInvalidError('The CAR stream ends inside a length prefix.', 'The transfer was cut: fetch again.')
      }
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return value
    }
    throw new CarInvalidError('The CAR stream has an overlong length prefix.', 'The source sent something that is not a CAR.')
  }
}

/**
 * Reads a CARv1 byte stream block by block, each block as views into the chunks it arrived in (no copies: the
 * caller hashes and writes the pieces). Checks the header (version 1) and block framing; verifying each block against
 * its CID is the caller's job (`piecesMatchCid`), so it can decide what a bad block means for its source.
 * @throws {CarInvalidError} a stream that is not a CARv1, is truncated inside a block, or has a block over 4 MiB.
 */
export async function* readCarBlocks(source: AsyncIterable<Uint8Array>): AsyncGenerator<CarBlockPieces> {
  const queue = new ChunkQueue(source[Symbol.asyncIterator]())
  const headerLength = await queue.varint(false)
  if (!headerLength || headerLength > 64 * 1024 || !(await queue.fill(headerLength))) {
    throw new CarInvalidError('The stream does not start with a CAR header.', 'The source sent something that is not a CAR.')
  }
  let header: { version?: unknown }
  try {
    header = dagCbor.decode(Buffer.concat(queue.pieces(headerLength))) as { version?: unknown }
  } catch (error) {
    throw new CarInvalidError(`The CAR header is not dag-cbor (${(error as Error).message}).`, 'The source sent something that is not a CAR.')
  }
  if (header.version !== 1) throw new CarInvalidError(`CAR version ${String(header.version)} is not supported here.`, 'Ask the source for a CARv1.')
  for (;;) {
    const length = await queue.varint(true)
    if (length === undefined) return
    if (length > MAX_SECTION_BYTES) throw new CarInvalidError(`A CAR block section of ${length} bytes exceeds the 4 MiB limit.`, 'The source sent a broken or hostile stream.')
    if (!(await queue.fill(length))) throw new CarInvalidError('The CAR stream ends inside a block.', 'The transfer was cut: fetch again.')
    let cid: CID
    let cidLength: number
    try {
      ;[cid, cidLength] = decodeCidPrefix(queue.peek(Math.min(length, 128)))
    } catch (error) {
      throw new CarInvalidError(`A CAR block has no valid CID (${(error as Error).message}).`, 'The source sent a broken stream.')
    }
    queue.skip(cidLength)
    const dataLength = length - cidLength
    yield { cid, pieces: queue.pieces(dataLength), length: dataLength }
  }
}

/** The CID at the start of `bytes` and how many bytes it takes (CIDv0 is a bare sha2-256 multihash). */
function decodeCidPrefix(bytes: Uint8Array): [CID, number] {
  if (bytes[0] === 0x12 && bytes[1] === 0x20) return [CID.decode(bytes.subarray(0, 34)), 34]
  const [cid, rest] = CID.decodeFirst(bytes)
  return [cid, bytes.byteLength - rest.byteLength]
}
