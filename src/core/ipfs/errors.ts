import { describeCause, ModeldaoError } from '../errors/base.js'

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
    })
  }
}

export class UnsupportedHashError extends ModeldaoError {
  override name = 'UnsupportedHashError'
  constructor(cid: string, code: number) {
    super('UNSUPPORTED_HASH', `CID ${cid} uses multihash 0x${code.toString(16)}; modeldao verifies sha2-256 only.`, {
    })
  }
}

export class InvalidCidError extends ModeldaoError {
  override name = 'InvalidCidError'
  constructor(value: string, cause?: unknown) {
    super('CID_INVALID', `"${value}" is not a valid CID.`, {
      hints: ['CIDs look like bafy… (v1) or Qm… (v0).'],
      cause,
    })
  }
}

export class CodecUnsupportedError extends ModeldaoError {
  override name = 'CodecUnsupportedError'
  constructor(cid: string, code: number) {
    super('CODEC_UNSUPPORTED', `Block ${cid} uses codec 0x${code.toString(16)}; modeldao handles UnixFS (dag-pb and raw).`)
  }
}

export class CidProfileUnknownError extends ModeldaoError {
  override name = 'CidProfileUnknownError'
  constructor(name: string, known: readonly string[]) {
    super('CID_PROFILE_UNKNOWN', `Unknown CID profile "${name}".`, { hints: [`Use one of: ${known.join(', ')}.`] })
  }
}

export class MultiaddrInvalidError extends ModeldaoError {
  override name = 'MultiaddrInvalidError'
  constructor(value: string, cause: unknown) {
    super('MULTIADDR_INVALID', `"${value}" is not a multiaddr.`, {
      hints: ['Use the address the daemon prints, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'],
      cause,
    })
  }
}

export class TamperedBlockError extends ModeldaoError {
  override name = 'TamperedBlockError'
  constructor(cid: string, source: string) {
    super('BLOCK_TAMPERED', `${source} sent bytes for ${cid} that do not match the CID; the block was rejected.`, {
      hints: ['That source is faulty or malicious: fetch from another peer or gateway.'],
    })
  }
}

export class SourceUnreachableError extends ModeldaoError {
  override name = 'SourceUnreachableError'
  constructor(source: string, cause: unknown) {
    super('SOURCE_UNREACHABLE', `Cannot fetch from ${source}.`, {
      details: describeCause(cause),
      hints: ['Check that the daemon is running (`modeldao ipfs daemon`) and the address is right.'],
      cause,
    })
  }
}

export class BlockUnavailableError extends ModeldaoError {
  override name = 'BlockUnavailableError'
  constructor(cid: string, source: string, status?: number) {
    super('BLOCK_UNAVAILABLE', `${source} does not have ${cid}${status ? ` (HTTP ${status})` : ''}.`, {
      hints: ['Check the CID, or fetch from a node that has published or pinned it.'],
    })
  }
}

export class CarInvalidError extends ModeldaoError {
  override name = 'CarInvalidError'
  constructor(message: string, hint: string) {
    super('CAR_INVALID', message, { hints: [hint] })
  }
}

/** A file (or its DAG) disagrees with the manifest: size, sha256, or not a UnixFS file. */
export class Sha256MismatchError extends ModeldaoError {
  override name = 'Sha256MismatchError'
  constructor(path: string, what: string) {
    super('SHA256_MISMATCH', `${path} does not match the manifest: ${what}.`, {
      hints: ['The manifest and its files disagree: the publisher made a mistake or the manifest was forged. Nothing was written.'],
    })
  }
}

export class IpfsListenError extends ModeldaoError {
  override name = 'IpfsListenError'
  constructor(listen: readonly string[], cause: unknown) {
    super('IPFS_LISTEN_FAILED', `Cannot listen on ${listen.join(', ')}.`, {
      details: describeCause(cause),
      hints: ['Another daemon may be running; pick another address with --listen /ip4/127.0.0.1/tcp/0.'],
      cause,
    })
  }
}

export class GatewayListenError extends ModeldaoError {
  override name = 'GatewayListenError'
  constructor(host: string, port: number, cause: unknown) {
    super('GATEWAY_LISTEN_FAILED', `Cannot start the gateway on ${host}:${port}.`, {
      details: describeCause(cause),
      hints: ['Pick another port with --gateway-port (0 = any free port).'],
      cause,
    })
  }
}

export class NotPinnedError extends ModeldaoError {
  override name = 'NotPinnedError'
  constructor(cid: string) {
    super('NOT_PINNED', `${cid} is not pinned in the local repo.`, { hints: ['See the pinned roots with `modeldao ipfs pins`.'] })
  }
}

/** Every source of a fetch failed or was dropped: says what happened to each. */
export class SourcesExhaustedError extends ModeldaoError {
  override name = 'SourcesExhaustedError'
  constructor(what: string, failures: readonly { source: string; reason: string }[], cause?: unknown) {
    super('SOURCES_EXHAUSTED', `No source could supply ${what}.`, {
      details: failures.map((f) => (f.reason.includes(f.source) ? f.reason : `${f.source}: ${f.reason}`)).join('\n'),
      hints: ['Add another --peer or --gateway that has the model; what was fetched and verified so far is kept.'],
      cause,
    })
  }
}
