import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { readStream } from './carProtocol.js'

/**
 * What a modeldao daemon tells the peers that dial it, as one JSON message: the URL of its trustless gateway, if it
 * runs one. A client that can reach it fetches whole subtrees over plain HTTP (several times cheaper per byte than an
 * encrypted, multiplexed libp2p stream in JS), verifying every block all the same.
 */
export const INFO_PROTOCOL = '/modeldao/info/1.0.0'

export type NodeInfo = { gateway: string | null }

/** Answers `INFO_PROTOCOL` with `info()`. */
export async function serveNodeInfo(libp2p: Libp2p, info: () => NodeInfo): Promise<void> {
  await libp2p.handle(INFO_PROTOCOL, async (stream: Stream) => {
    try {
      // Answer only once asked: the asker's reader is listening by then, and cannot miss the answer or its end.
      for await (const _request of readStream(stream, 64)) break
      if (!stream.send(Buffer.from(JSON.stringify(info())))) await stream.onDrain()
      await stream.close()
    } catch (error) {
      stream.abort(error as Error)
    }
  })
}

/** Asks a peer for its info; undefined when it does not speak the protocol, answers garbage, or takes over 2 s. */
export async function readNodeInfo(libp2p: Libp2p, peer: Multiaddr, signal?: AbortSignal): Promise<NodeInfo | undefined> {
  const timeout = AbortSignal.timeout(2_000)
  try {
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    const stream = await libp2p.dialProtocol(peer, INFO_PROTOCOL, { signal: combined })
    combined.addEventListener('abort', () => stream.abort(new Error('no answer in time')), { once: true })
    const reply = readStream(stream)
    stream.send(Buffer.from('?'))
    const parts: Uint8Array[] = []
    let bytes = 0
    for await (const part of reply) {
      parts.push(part)
      bytes += part.byteLength
      if (bytes > 4096) throw new Error('info too long')
    }
    const info = JSON.parse(Buffer.concat(parts).toString('utf8')) as Partial<NodeInfo>
    return { gateway: typeof info.gateway === 'string' ? info.gateway : null }
  } catch {
    return undefined
  }
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/
const ANY = /^(0\.0\.0\.0|\[?::\]?)$/

/**
 * The advertised gateway as this client can reach it, or undefined: a wildcard host (0.0.0.0) becomes the address the
 * peer was dialled on, and a loopback gateway is usable only when the peer itself was dialled over loopback.
 */
export function reachableGateway(advertised: string | null, dialled: Multiaddr): string | undefined {
  if (!advertised) return undefined
  let url: URL
  try {
    url = new URL(advertised)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  const host = dialled.getComponents().find((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))?.value
  if (!host) return undefined
  if (ANY.test(url.hostname)) url.hostname = host.includes(':') ? `[${host}]` : host
  else if (LOOPBACK.test(url.hostname) && !LOOPBACK.test(host)) return undefined
  return url.toString().replace(/\/$/, '')
}
