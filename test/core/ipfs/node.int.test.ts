import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIpfsNode, type IpfsNode } from '../../../src/core/ipfs/network/node.js'
import { openRepo, type IpfsRepo } from '../../../src/core/ipfs/storage/repo.js'

const MiB = 1024 * 1024

describe('libp2p node (real TCP, noise, yamux)', () => {
  let dir: string
  let repos: IpfsRepo[]
  let server: IpfsNode
  let client: IpfsNode

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-node-'))
    repos = [openRepo(join(dir, 'a')), openRepo(join(dir, 'b'))]
    server = await createIpfsNode(repos[0]!)
    client = await createIpfsNode(repos[1]!, { listen: [], datastore: 'memory' })
  })

  afterAll(async () => {
    await client?.stop()
    await server?.stop()
    for (const repo of repos ?? []) await repo.close()
    await rm(dir, { recursive: true, force: true })
  })

  // The root cause of bitswap's "lost wants": bitswap sends each message (up to 4 MiB of blocks) on a new stream, yamux
  // lets the sender run ahead of the reader, and a stream whose handler starts late overflowed libp2p's default 4 MiB
  // read buffer and was reset with its blocks. This is that situation, made deterministic: the reader starts 300 ms late.
  it('a stream whose reader starts late still gets a whole 6 MiB message', async () => {
    let resolveReceived: (bytes: number) => void
    const received = new Promise<number>((resolve) => (resolveReceived = resolve))
    await server.libp2p.handle('/modeldao-test/late-reader/1', async (stream) => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      let bytes = 0
      try {
        for await (const chunk of stream) {
          bytes += chunk.byteLength
          if (bytes >= 6 * MiB) break
        }
      } catch {
        // a reset stream ends here: the count falls short
      }
      resolveReceived(bytes)
    })
    const stream = await client.libp2p.dialProtocol(server.libp2p.getMultiaddrs()[0]!, '/modeldao-test/late-reader/1')
    const chunk = new Uint8Array(256 * 1024).fill(1)
    for (let sent = 0; sent < 6 * MiB; sent += chunk.byteLength) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    expect(await received).toBe(6 * MiB)
    stream.abort(new Error('done'))
  })
})
