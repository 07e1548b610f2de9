import { multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { BlockUnavailableError, MultiaddrInvalidError, SourceUnreachableError, TamperedBlockError } from '../errors.js'
import { walkDag } from '../formats/dag.js'
import { blockMatchesCid } from '../formats/verify.js'
import type { IpfsRepo } from '../storage/repo.js'
import type { IpfsNode } from './node.js'
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
    throw new MultiaddrInvalidError(peer, error)
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
  const store = repo.blockstore
  const load = async (cid: CID): Promise<Uint8Array | undefined> => {
    // Raw leaves already stored have no links: no need to read them back.
    if (store.has(cid)) return cid.code === raw.code ? undefined : store.getBytes(cid)
    if (!source) throw new BlockUnavailableError(cid.toString(), 'the local repo')
    const bytes = await source.fetchBlock(cid, options.signal)
    if (!blockMatchesCid(cid, bytes)) throw new TamperedBlockError(cid.toString(), source.name)
    store.putBytes(cid, bytes, true)
    await store.maybeCheckpoint()
    progress.fetchedBlocks++
    progress.fetchedBytes += bytes.byteLength
    return bytes
  }
  const concurrency = options.concurrency ?? source?.concurrency ?? 16
  for await (const _block of walkDag(root, { load, concurrency, signal: options.signal })) {
    progress.blocks++
    options.onProgress?.({ ...progress })
  }
  await store.flush()
  return progress
}

/** Where to fetch missing blocks from: a libp2p peer or a trustless gateway (or neither: local only). */
export type SourceParams = {
  /** libp2p multiaddr of a node that has the content. */
  peer?: string | undefined
  /** URL of a trustless gateway that has the content. */
  gateway?: string | undefined
}

/** Opens the source the params name, or undefined for local only. Close it when done. */
export async function openBlockSource(repo: IpfsRepo, params: SourceParams): Promise<BlockSource | undefined> {
  if (params.gateway) return gatewaySource(params.gateway)
  if (params.peer) return peerSource(repo, params.peer)
  return undefined
}
