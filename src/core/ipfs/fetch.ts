import { multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { ExitCode, ModeldaoError, describeCause } from '../errors/base.js'
import { blockLinks } from './dag.js'
import type { IpfsNode } from './node.js'
import type { IpfsRepo } from './repo.js'
import { blockMatchesCid, multihashKey } from './verify.js'
import { CAR_TYPE, RAW_TYPE } from './gateway.js'

/** Where missing blocks come from. Bytes it returns are verified by the caller. */
export type BlockSource = {
  name: string
  fetchBlock: (cid: CID, signal?: AbortSignal) => Promise<Uint8Array>
  close: () => Promise<void>
  /** Blocks to ask for at once (default 16). */
  concurrency?: number
  /** A CARv1 stream of the whole DAG under `root`, depth-first, when the source can send one (trustless gateways). */
  fetchCar?: (root: CID, signal?: AbortSignal) => Promise<AsyncIterable<Uint8Array>>
}

export class TamperedBlockError extends ModeldaoError {
  override name = 'TamperedBlockError'
  constructor(cid: string, source: string) {
    super('BLOCK_TAMPERED', `${source} sent bytes for ${cid} that do not match the CID; the block was rejected.`, {
      hints: ['That source is faulty or malicious: fetch from another peer or gateway.'],
      exitCode: ExitCode.invalidInput,
    })
  }
}

export class SourceUnreachableError extends ModeldaoError {
  override name = 'SourceUnreachableError'
  constructor(source: string, cause: unknown) {
    super('SOURCE_UNREACHABLE', `Cannot fetch from ${source}.`, {
      details: describeCause(cause),
      hints: ['Check that the daemon is running (`modeldao ipfs daemon`) and the address is right.'],
      exitCode: ExitCode.unavailable,
      cause,
    })
  }
}

export class BlockUnavailableError extends ModeldaoError {
  override name = 'BlockUnavailableError'
  constructor(cid: string, source: string, status?: number) {
    super('BLOCK_UNAVAILABLE', `${source} does not have ${cid}${status ? ` (HTTP ${status})` : ''}.`, {
      hints: ['Check the CID, or fetch from a node that has published or pinned it.'],
      exitCode: ExitCode.unavailable,
    })
  }
}

/** A trustless gateway (`/ipfs/<cid>?format=raw`), ours or any other. */
export function gatewaySource(url: string): BlockSource {
  const base = url.replace(/\/+$/, '')
  return {
    name: base,
    async fetchBlock(cid, signal) {
      let response: Response
      try {
        response = await fetch(`${base}/ipfs/${cid}?format=raw`, { headers: { accept: RAW_TYPE }, signal: signal ?? null })
      } catch (error) {
        if (signal?.aborted) throw error
        throw new SourceUnreachableError(base, error)
      }
      if (response.status === 404) throw new BlockUnavailableError(cid.toString(), base, 404)
      if (!response.ok) throw new BlockUnavailableError(cid.toString(), base, response.status)
      return new Uint8Array(await response.arrayBuffer())
    },
    async fetchCar(root, signal) {
      let response: Response
      try {
        response = await fetch(`${base}/ipfs/${root}?format=car&dag-scope=all`, { headers: { accept: CAR_TYPE }, signal: signal ?? null })
      } catch (error) {
        if (signal?.aborted) throw error
        throw new SourceUnreachableError(base, error)
      }
      if (!response.ok || !response.body) throw new BlockUnavailableError(root.toString(), base, response.status)
      return response.body as unknown as AsyncIterable<Uint8Array>
    },
    close: async () => {},
  }
}

/** A libp2p peer, over bitswap, through a short-lived Helia node that dials only that peer. */
export async function peerSource(
  repo: IpfsRepo,
  peer: string,
  options: { timeoutMs?: number; attemptMs?: number; attempts?: number } = {},
): Promise<BlockSource> {
  let address
  try {
    address = multiaddr(peer)
  } catch (error) {
    throw new ModeldaoError('MULTIADDR_INVALID', `"${peer}" is not a multiaddr.`, {
      hints: ['Use the address the daemon prints, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'],
      exitCode: ExitCode.usage,
      cause: error,
    })
  }
  // Loaded on demand: libp2p and Helia cost a second or two to import, and only peer fetches need them.
  const { createIpfsNode } = await import('./node.js')
  const node: IpfsNode = await createIpfsNode(repo, { listen: [] })
  try {
    await node.libp2p.dial(address, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
  } catch (error) {
    await node.stop()
    throw new SourceUnreachableError(peer, error)
  }
  return {
    name: peer,
    concurrency: 8,
    async fetchBlock(cid, signal) {
      // A want can go unanswered (seen with @helia/bitswap 4 when a client asks many blocks at once): ask again with
      // a fresh want rather than wait on a lost one. Helia checks the hash and stores the block in our repo.
      const attemptMs = options.attemptMs ?? 5_000
      const attempts = options.attempts ?? 6
      for (let attempt = 1; ; attempt++) {
        const timeout = AbortSignal.timeout(attemptMs)
        try {
          const parts: Uint8Array[] = []
          for await (const part of node.blockstore.get(cid, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout })) parts.push(part)
          return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
        } catch (error) {
          if (signal?.aborted || attempt >= attempts) {
            if (signal?.aborted) throw error
            throw new BlockUnavailableError(cid.toString(), `${peer} (no answer after ${attempts} tries of ${attemptMs / 1000} s)`)
          }
        }
      }
    },
    close: async () => {
      await node.stop()
    },
  }
}

export type FetchProgress = { blocks: number; fetchedBlocks: number; fetchedBytes: number }
export type FetchDagResult = FetchProgress

/**
 * Makes the whole DAG under `root` local: blocks already in the repo are reused (so an interrupted fetch resumes),
 * missing ones come from `source`, each checked against its CID before it is stored. Fetches run concurrently.
 * @throws {TamperedBlockError} a block whose bytes do not hash to its CID (nothing of it is stored).
 */
export async function fetchDag(
  repo: IpfsRepo,
  root: CID,
  source: BlockSource | undefined,
  options: { concurrency?: number; signal?: AbortSignal | undefined; onProgress?: ((progress: FetchProgress) => void) | undefined } = {},
): Promise<FetchDagResult> {
  const progress: FetchProgress = { blocks: 0, fetchedBlocks: 0, fetchedBytes: 0 }
  const seen = new Set<string>()
  const queue: CID[] = [root]
  const concurrency = options.concurrency ?? source?.concurrency ?? 16
  let active = 0
  let failure: unknown

  const visit = async (cid: CID) => {
    const store = repo.blockstore
    let bytes: Uint8Array | undefined
    if (store.has(cid)) {
      // Raw leaves have no links: no need to read them back.
      if (cid.code !== raw.code) bytes = store.getBytes(cid)
    } else {
      if (!source) throw new BlockUnavailableError(cid.toString(), 'the local repo')
      bytes = await source.fetchBlock(cid, options.signal)
      if (!blockMatchesCid(cid, bytes)) throw new TamperedBlockError(cid.toString(), source.name)
      store.putBytes(cid, bytes, true)
      await store.maybeCheckpoint()
      progress.fetchedBlocks++
      progress.fetchedBytes += bytes.byteLength
    }
    progress.blocks++
    options.onProgress?.({ ...progress })
    if (bytes) for (const link of blockLinks(cid, bytes)) queue.push(link)
  }

  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (failure) return
      while (active < concurrency && queue.length > 0) {
        const cid = queue.shift()!
        const key = multihashKey(cid)
        if (seen.has(key)) continue
        seen.add(key)
        active++
        visit(cid).then(
          () => {
            active--
            if (queue.length === 0 && active === 0) resolve()
            else pump()
          },
          (error: unknown) => {
            failure = error
            reject(error)
          },
        )
      }
      if (queue.length === 0 && active === 0) resolve()
    }
    options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true })
    pump()
  })
  await repo.blockstore.flush()
  return progress
}
