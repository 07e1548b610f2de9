import { ExitCode, ModeldaoError } from '../errors/base.js'

/** Named `NotFoundError` because Helia and the unixfs exporter recognise missing blocks by that name. */
export class BlockNotFoundError extends Error {
  override name = 'NotFoundError'
  readonly code = 'ERR_NOT_FOUND'
  constructor(cid: string) {
    super(`block ${cid} is not in the local repo`)
  }
}

export class BlockCorruptError extends ModeldaoError {
  override name = 'BlockCorruptError'
  constructor(cid: string, where: string) {
    super('BLOCK_CORRUPT', `Block ${cid} does not match its hash.`, {
      details: `Read from ${where}.`,
      hints: ['The data was altered or damaged. Run `modeldao ipfs gc` and fetch or publish the content again.'],
      exitCode: ExitCode.invalidInput,
    })
  }
}

export class UnsupportedHashError extends ModeldaoError {
  override name = 'UnsupportedHashError'
  constructor(cid: string, code: number) {
    super('UNSUPPORTED_HASH', `CID ${cid} uses multihash 0x${code.toString(16)}; modeldao verifies sha2-256 only.`, {
      exitCode: ExitCode.invalidInput,
    })
  }
}

export class InvalidCidError extends ModeldaoError {
  override name = 'InvalidCidError'
  constructor(value: string, cause?: unknown) {
    super('CID_INVALID', `"${value}" is not a valid CID.`, {
      hints: ['CIDs look like bafy… (v1) or Qm… (v0).'],
      exitCode: ExitCode.usage,
      cause,
    })
  }
}
