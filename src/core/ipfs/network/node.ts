import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight, type HeliaWithLibp2p } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { MemoryDatastore } from 'datastore-core'
import { FsDatastore } from 'datastore-fs'
import { createHeliaLight } from 'helia'
import type { IpfsRepo } from '../storage/repo.js'

export type IpfsNode = HeliaWithLibp2p<{ identify: ReturnType<ReturnType<typeof identify>> }> & {
  /** Multiaddrs other nodes can dial, with this node's peer id. */
  addresses: () => string[]
}

export type CreateIpfsNodeOptions = {
  /** libp2p listen multiaddrs; default loopback on a free port. Empty to only dial out. */
  listen?: string[] | undefined
  /** Where libp2p keeps its peer store: the repo's folder (default), or memory for a short-lived client node. */
  datastore?: 'repo' | 'memory' | undefined
}

/**
 * A Helia node over the repo's blockstore with libp2p (TCP, noise, yamux, identify) and bitswap — and nothing that
 * reaches out by itself: no bootstrap peers, no delegated routing, no public gateways. Peers are dialled explicitly.
 */
export async function createIpfsNode(repo: IpfsRepo, options: CreateIpfsNodeOptions = {}): Promise<IpfsNode> {
  const datastore = options.datastore === 'memory' ? new MemoryDatastore() : new FsDatastore(join(repo.folder, 'datastore'))
  if (datastore instanceof FsDatastore) await datastore.open()
  const light = createHeliaLight({ blockstore: repo.blockstore, datastore })
  const withNet = withLibp2pLight(light, {
    addresses: { listen: options.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
    // Bitswap sends each message (up to 4 MiB of blocks) on a new stream, and yamux grants the sender window as bytes
    // arrive, not as they are read: until the protocol handler is attached the bytes pile up in the stream's read
    // buffer, and past its limit (4 MiB by default) the stream is reset and the blocks on it are lost for good (the
    // sender counts them as sent; the want is never answered). The handler is attached only after libp2p records the
    // protocol in its peer store, so: keep the peer store in memory (on disk each stream waited up to ~300 ms for a
    // file write), and let a stream buffer more than one full bitswap message. Helia's own datastore (the node's key)
    // stays where `datastore` says.
    datastore: new MemoryDatastore(),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxReadBufferLength: 32 * 1024 * 1024 } })],
    peerDiscovery: [],
    services: { identify: identify() },
  })
  const node = withBitswap(withNet) as unknown as IpfsNode
  await node.start()
  node.addresses = () => node.libp2p.getMultiaddrs().map((addr) => addr.toString())
  return node
}
