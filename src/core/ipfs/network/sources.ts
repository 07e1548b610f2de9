import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { BlockUnavailableError, MultiaddrInvalidError, SourceUnreachableError } from '../errors.js'
import type { IpfsRepo } from '../storage/repo.js'
import { CarNotOfferedError } from './carProtocol.js'
import { SourcePool } from './sourcePool.js'
import { CAR_TYPE, RAW_TYPE } from './gateway.js'
import type { IpfsNode } from './node.js'

/** Where missing blocks come from. Bytes it returns are verified by the caller. */
export type BlockSource = {
  name: string
  kind: 'peer' | 'gateway'
  fetchBlock: (cid: CID, signal?: AbortSignal) => Promise<Uint8Array>
  close: () => Promise<void>
  /** Blocks to ask for at once (default 16). */
  concurrency?: number
  /** How it transfers right now, for progress and results ("HTTP gateway http://…", "libp2p CAR stream", "bitswap"). */
  via?: () => string
  /**
   * A CARv1 stream of the whole DAG under `root`, depth-first, when the source can send one (trustless gateways,
   * modeldao peers). @throws {CarNotOfferedError} when it cannot: fetch block by block instead.
   */
  fetchCar?: (root: CID, signal?: AbortSignal) => Promise<AsyncIterable<Uint8Array>>
}

/** A GET over node:http (several times cheaper per byte than fetch() for gigabyte bodies). */
function httpGet(url: URL, headers: Record<string, string>, agent: HttpAgent, signal?: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { headers, agent, signal }, resolve)
    request.once('error', reject)
    request.end()
  })
}

/** Iterates a transfer, turning a failure half-way (reset, closed socket) into `SourceUnreachableError`. */
async function* failuresAsUnreachable(chunks: AsyncIterable<Uint8Array>, source: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks
  } catch (error) {
    if (signal?.aborted || error instanceof SourceUnreachableError) throw error
    throw new SourceUnreachableError(source, error)
  }
}

/** A trustless gateway (`/ipfs/<cid>?format=raw|car`), ours or any other. */
export function gatewaySource(url: string): BlockSource {
  const base = url.replace(/\/+$/, '')
  const agent = base.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const get = async (path: string, accept: string, signal?: AbortSignal) => {
    try {
      return await httpGet(new URL(`${base}${path}`), { accept }, agent, signal)
    } catch (error) {
      if (signal?.aborted) throw error
      throw new SourceUnreachableError(base, error)
    }
  }
  return {
    name: base,
    kind: 'gateway',
    via: () => 'HTTP gateway',
    async fetchBlock(cid, signal) {
      const response = await get(`/ipfs/${cid}?format=raw`, RAW_TYPE, signal)
      if (response.statusCode !== 200) {
        response.resume()
        throw new BlockUnavailableError(cid.toString(), base, response.statusCode)
      }
      const parts: Buffer[] = []
      try {
        for await (const part of response) parts.push(part as Buffer)
      } catch (error) {
        if (signal?.aborted) throw error
        throw new SourceUnreachableError(base, error)
      }
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
    },
    async fetchCar(root, signal) {
      const response = await get(`/ipfs/${root}?format=car&dag-scope=all`, CAR_TYPE, signal)
      if (response.statusCode === 200) return failuresAsUnreachable(response, base, signal)
      response.resume()
      // A gateway without CAR responses (or without the root as a whole DAG) can still serve blocks one by one.
      if ([400, 404, 406, 410, 501].includes(response.statusCode ?? 0)) throw new CarNotOfferedError(`${base} answered HTTP ${response.statusCode}`)
      throw new SourceUnreachableError(base, new Error(`HTTP ${response.statusCode}`))
    },
    close: async () => {
      agent.destroy()
    },
  }
}

function parsePeer(peer: string): Multiaddr {
  try {
    return multiaddr(peer)
  } catch (error) {
    throw new MultiaddrInvalidError(peer, error)
  }
}

export type PeerSourceOptions = { timeoutMs?: number; attemptMs?: number; attempts?: number }

/**
 * A libp2p peer, through a short-lived Helia node of its own (so each peer's blocks, speed and failure are its own,
 * and its throwaway identity never collides with the daemon's). See `nodeSource`; closing it stops the node.
 */
export async function peerSource(repo: IpfsRepo, peer: string, options: PeerSourceOptions = {}): Promise<BlockSource> {
  parsePeer(peer)
  // Loaded on demand: libp2p and Helia cost a second or two to import, and only peer fetches need them.
  const { createIpfsNode } = await import('./node.js')
  const node: IpfsNode = await createIpfsNode(repo, { listen: [], datastore: 'memory' })
  try {
    const source = await nodeSource(node, peer, options)
    return {
      ...source,
      close: async () => {
        await source.close()
        await node.stop()
      },
    }
  } catch (error) {
    await node.stop()
    throw error
  }
}

/**
 * A libp2p peer through a running node (a short-lived one, or the daemon's): whole subtrees come over the modeldao
 * CAR protocol when the peer offers it, single blocks over bitswap. When the connection drops, pending and later
 * requests fail at once instead of waiting out a timeout. Closing the source leaves the node running.
 */
export async function nodeSource(node: IpfsNode, peer: string, options: PeerSourceOptions = {}): Promise<BlockSource> {
  const address = parsePeer(peer)
  const { openCarStream } = await import('./carProtocol.js')
  const { readNodeInfo, reachableGateway } = await import('./nodeInfo.js')
  const gone = new AbortController()
  let remotePeer: PeerId
  try {
    remotePeer = (await node.libp2p.dial(address, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })).remotePeer
  } catch (error) {
    throw new SourceUnreachableError(peer, error)
  }
  const onDisconnect = (event: CustomEvent<PeerId>) => {
    if (event.detail.equals(remotePeer)) gone.abort(new SourceUnreachableError(peer, new Error('the connection closed')))
  }
  node.libp2p.addEventListener('peer:disconnect', onDisconnect)
  // A modeldao daemon says where its gateway is: plain HTTP carries bytes for a fraction of the CPU of an encrypted,
  // multiplexed stream. Used while it answers; on a failure, the libp2p paths take over.
  const gatewayUrl = reachableGateway((await readNodeInfo(node.libp2p, address))?.gateway ?? null, address)
  let http = gatewayUrl ? gatewaySource(gatewayUrl) : undefined
  let carOverLibp2p = true
  /** Asks the peer's gateway while it answers; once it cannot be reached, undefined (and never again). */
  const overHttp = async <T>(call: (gateway: BlockSource) => Promise<T>, signal?: AbortSignal): Promise<T | undefined> => {
    if (!http) return undefined
    try {
      return await call(http)
    } catch (error) {
      if (!(error instanceof SourceUnreachableError) || signal?.aborted) throw error
      void http?.close()
      http = undefined
      return undefined
    }
  }
  const whileConnected = (signal?: AbortSignal) => (signal ? AbortSignal.any([gone.signal, signal]) : gone.signal)
  const bitswapBlock = async (cid: CID, signal?: AbortSignal): Promise<Uint8Array> => {
    // Should a want go unanswered (blocks lost on a reset stream: see createIpfsNode), ask again with a fresh want
    // rather than wait on a lost one. Helia checks the hash and stores the block in the node's repo.
    const attemptMs = options.attemptMs ?? 5_000
    const attempts = options.attempts ?? 6
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(attemptMs)
      try {
        const parts: Uint8Array[] = []
        for await (const part of node.blockstore.get(cid, { signal: AbortSignal.any([whileConnected(signal), timeout]) })) parts.push(part)
        return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      } catch (error) {
        if (signal?.aborted) throw error
        if (gone.signal.aborted) throw gone.signal.reason
        if (attempt >= attempts) throw new BlockUnavailableError(cid.toString(), `${peer} (no answer after ${attempts} tries of ${attemptMs / 1000} s)`)
        // @helia/bitswap 4 drops an aborted want from its wantlist only on its next (debounced) send: asking again
        // at once reuses that cancelled entry, and the new want is never sent. Let it go first.
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }
  return {
    name: peer,
    kind: 'peer',
    // 32 leaves (8 MiB of 256 KiB blocks) in flight: ~20 MB/s on loopback against 13 MB/s at 8; more gains nothing.
    // Stays within the stream read buffer set in createIpfsNode.
    concurrency: 32,
    via: () => (http ? `HTTP gateway ${gatewayUrl}` : carOverLibp2p ? 'libp2p CAR stream' : 'bitswap'),
    async fetchBlock(cid, signal) {
      gone.signal.throwIfAborted()
      return (await overHttp((gateway) => gateway.fetchBlock(cid, signal), signal)) ?? bitswapBlock(cid, signal)
    },
    async fetchCar(root, signal) {
      gone.signal.throwIfAborted()
      const viaGateway = await overHttp((gateway) => gateway.fetchCar!(root, signal), signal)
      if (viaGateway) return viaGateway
      try {
        return failuresAsUnreachable(await openCarStream(node.libp2p, address, root, whileConnected(signal)), peer, signal)
      } catch (error) {
        if (error instanceof CarNotOfferedError) carOverLibp2p = false
        if (error instanceof CarNotOfferedError || signal?.aborted) throw error
        throw gone.signal.aborted ? gone.signal.reason : new SourceUnreachableError(peer, error)
      }
    },
    close: async () => {
      node.libp2p.removeEventListener('peer:disconnect', onDisconnect)
      gone.abort(new SourceUnreachableError(peer, new Error('closed')))
      await http?.close()
    },
  }
}

/** Where to fetch missing blocks from: libp2p peers and trustless gateways (or none: local only). */
export type SourceParams = {
  /** libp2p multiaddrs of nodes that have the content. */
  peer?: string | readonly string[] | undefined
  /** URLs of trustless gateways that have the content. */
  gateway?: string | readonly string[] | undefined
}

const list = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value])

/**
 * Opens every source the params name (peers dialled in parallel). A peer that cannot be reached is left out as long
 * as another source opened; `failed` says which and why. Close the sources when done.
 * @throws {SourceUnreachableError} when no named source can be opened.
 */
export async function openBlockSources(repo: IpfsRepo, params: SourceParams): Promise<{ sources: BlockSource[]; failed: { source: string; reason: string }[] }> {
  const gateways = list(params.gateway).map((url) => gatewaySource(url))
  const peers = list(params.peer)
  for (const peer of peers) parsePeer(peer) // bad input fails before any dial
  const opened = await Promise.allSettled(peers.map((peer) => peerSource(repo, peer)))
  const sources = [...gateways]
  const failed: { source: string; reason: string }[] = []
  opened.forEach((result, i) => {
    if (result.status === 'fulfilled') sources.push(result.value)
    else failed.push({ source: peers[i]!, reason: (result.reason as Error).message })
  })
  if (sources.length === 0 && failed.length > 0) {
    const first = opened.find((result) => result.status === 'rejected') as PromiseRejectedResult
    throw first.reason
  }
  return { sources, failed }
}

/** The sources the params name as one pool, or undefined when none is named (local only). Close it when done. */
export async function openSourcePool(repo: IpfsRepo, params: SourceParams): Promise<SourcePool | undefined> {
  if (list(params.peer).length === 0 && list(params.gateway).length === 0) return undefined
  const { sources, failed } = await openBlockSources(repo, params)
  return new SourcePool(sources, failed)
}
