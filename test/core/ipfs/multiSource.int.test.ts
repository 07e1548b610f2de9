import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SourcesExhaustedError, TamperedBlockError } from '../../../src/core/ipfs/errors.js'
import { carStream } from '../../../src/core/ipfs/formats/car.js'
import { parseCid } from '../../../src/core/ipfs/formats/verify.js'
import { CAR_PROTOCOL, readStream, serveCarProtocol } from '../../../src/core/ipfs/network/carProtocol.js'
import { startGateway, type Gateway } from '../../../src/core/ipfs/network/gateway.js'
import { createIpfsNode, type IpfsNode } from '../../../src/core/ipfs/network/node.js'
import { SourcePool } from '../../../src/core/ipfs/network/sourcePool.js'
import { gatewaySource, openBlockSources, peerSource } from '../../../src/core/ipfs/network/sources.js'
import { openRepo, type IpfsRepo } from '../../../src/core/ipfs/storage/repo.js'
import { fetchModelFiles } from '../../../src/core/models/get.js'
import { publishToIpfs } from '../../../src/core/models/publish.js'
import { seededBytes } from '../../helpers/bytes.js'
import { runCli } from '../../helpers/cli.js'
import { startDaemon } from '../../../bench/files.js'

const MiB = 1024 * 1024
/** Below the file's size, above each subtree's: the file is fetched as two units, one per source. */
const UNIT = 48 * MiB
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * A libp2p peer that speaks the CAR protocol honestly except for one thing: the first leaf it sends has one byte
 * flipped. The CID still names the real block, so only hashing catches it.
 */
async function startTamperingPeer(repo: IpfsRepo): Promise<IpfsNode> {
  const node = await createIpfsNode(repo, { datastore: 'memory' })
  await node.libp2p.handle(CAR_PROTOCOL, async (stream) => {
    const chunks = readStream(stream)
    const first = await chunks.next()
    const root = parseCid(Buffer.from(first.value!).toString('utf8').trim())
    stream.send(Buffer.from('200\n'))
    let tampered = false
    try {
      for await (const chunk of carStream(repo, root)) {
        let out = chunk
        if (!tampered && chunk.byteLength > 200_000) {
          out = Buffer.from(chunk)
          out[out.byteLength - 1]! ^= 0xff
          tampered = true
        }
        if (!stream.send(out)) await stream.onDrain()
      }
      await stream.close()
    } catch {
      stream.abort(new Error('stopped'))
    }
  })
  return node
}

describe('fetching one model from several sources (real libp2p peers, real gateways, a real daemon process)', () => {
  let dir: string
  let publisher: IpfsRepo
  let publisherNode: IpfsNode
  let publisherGateway: Gateway
  let manifestCid: string
  let bigCid: string
  let bigBytes: Uint8Array
  let smallBytes: Uint8Array
  const homeB = () => join(dir, 'home-b')

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-multi-'))
    const weights = join(dir, 'weights')
    await mkdir(weights)
    // 60 MiB in kubo's profile: two subtrees under the root (174 + 66 leaves); with 48 MiB units, two CAR streams.
    bigBytes = seededBytes(60 * MiB, 'multi-source')
    smallBytes = seededBytes(300_000, 'small')
    await writeFile(join(weights, 'weights.bin'), bigBytes)
    await writeFile(join(weights, 'config.json'), smallBytes)
    publisher = openRepo(join(dir, 'publisher'))
    const published = await publishToIpfs({ repo: publisher, inputs: [weights], name: 'multi', license: 'mit' })
    manifestCid = published.manifestCid
    bigCid = published.manifest.files.find((f) => f.path === 'weights.bin')!.cid
    publisherNode = await createIpfsNode(publisher)
    await serveCarProtocol(publisherNode.libp2p, publisher)
    publisherGateway = await startGateway(publisher)
    // A second holder of the same model: the same files published in home B give the same CIDs.
    const repoB = openRepo(join(homeB(), 'ipfs'))
    await publishToIpfs({ repo: repoB, inputs: [weights], name: 'multi', license: 'mit' })
    await repoB.close()
  }, 120_000)

  afterAll(async () => {
    await publisherGateway?.close()
    await publisherNode?.stop()
    await publisher?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const expectFiles = async (out: string) => {
    expect(sha256(await readFile(join(out, 'weights.bin')))).toBe(sha256(bigBytes))
    expect(sha256(await readFile(join(out, 'config.json')))).toBe(sha256(smallBytes))
  }

  it('spreads a file over a peer and a gateway, each credited with its share', async () => {
    const repo = openRepo(join(dir, 'spread'))
    const { sources } = await openBlockSources(repo, { peer: publisherNode.addresses()[0]!, gateway: publisherGateway.url })
    const pool = new SourcePool(sources)
    try {
      const result = await fetchModelFiles({ repo, manifestCid, outDir: join(dir, 'out-spread'), source: pool, unitBytes: UNIT })
      await expectFiles(join(dir, 'out-spread'))
      expect(result.sources).toHaveLength(2)
      for (const source of result.sources) {
        expect(source.state).toBe('active')
        expect(source.bytes).toBeGreaterThan(5 * MiB)
      }
      // A plain libp2p node with the CAR protocol (no gateway to advertise): subtrees come as libp2p streams.
      expect(result.sources.map((s) => s.via)).toEqual(['HTTP gateway', 'libp2p CAR stream'])
      // Every leaf came once: the shares add up to the file (plus the small file and a few interior nodes).
      const total = result.sources.reduce((n, s) => n + s.bytes, 0)
      expect(total).toBeGreaterThanOrEqual(bigBytes.byteLength + smallBytes.byteLength)
      expect(total).toBeLessThan(bigBytes.byteLength + smallBytes.byteLength + MiB)
    } finally {
      await pool.close()
      await repo.close()
    }
  })

  it('fetches from a bitswap-only peer (a plain IPFS node)', async () => {
    const daemon = await startDaemon(homeB(), ['--bitswap-only', '--no-gateway'])
    const repo = openRepo(join(dir, 'bitswap'))
    const pool = new SourcePool([await peerSource(repo, daemon.multiaddrs[0]!)])
    try {
      const result = await fetchModelFiles({ repo, manifestCid, outDir: join(dir, 'out-bitswap'), source: pool })
      await expectFiles(join(dir, 'out-bitswap'))
      expect(result.sources[0]!.blocks).toBeGreaterThan(240)
      expect(result.sources[0]!.via).toBe('bitswap')
      // Lost bitswap messages used to cost a 5–20 s wait for a retry: the longest gap without progress is a benchmark
      // row (`npm run bench -- fetch-soak`), not a timed assertion on a loaded CI machine.
    } finally {
      await daemon.stop()
      await pool.close()
      await repo.close()
    }
  })

  it('finishes from the other peer when one peer process is killed mid-fetch', async () => {
    const daemon = await startDaemon(homeB())
    const repo = openRepo(join(dir, 'killed'))
    // B first: its workers take the big subtree, and it is killed while streaming it.
    const { sources } = await openBlockSources(repo, { peer: [daemon.multiaddrs[0]!, publisherNode.addresses()[0]!] })
    const pool = new SourcePool(sources)
    let killed = false
    try {
      const result = await fetchModelFiles({
        repo,
        manifestCid,
        outDir: join(dir, 'out-killed'),
        source: pool,
        unitBytes: UNIT,
        onProgress: (event) => {
          if (event.stage !== 'fetching' || killed) return
          const fromB = event.sources.find((s) => s.name === daemon.multiaddrs[0]!)!
          if (fromB.bytes > 4 * MiB) {
            killed = true
            daemon.child.kill('SIGKILL')
          }
        },
      })
      expect(killed).toBe(true)
      await expectFiles(join(dir, 'out-killed'))
      const [b, a] = result.sources
      expect(b!.state).toBe('dropped')
      expect(b!.reason).toBeTruthy()
      expect(a!.state).toBe('active')
      expect(a!.bytes).toBeGreaterThan(b!.bytes)
    } finally {
      await daemon.stop('SIGKILL')
      await pool.close()
      await repo.close()
    }
  })

  it('drops a peer that sends a tampered block and completes from the honest one', async () => {
    const tamperer = await startTamperingPeer(publisher)
    const repo = openRepo(join(dir, 'tampered'))
    const { sources } = await openBlockSources(repo, { peer: [tamperer.addresses()[0]!, publisherNode.addresses()[0]!] })
    const pool = new SourcePool(sources)
    try {
      const result = await fetchModelFiles({ repo, manifestCid, outDir: join(dir, 'out-tampered'), source: pool })
      await expectFiles(join(dir, 'out-tampered'))
      const [bad, good] = result.sources
      expect(bad!.state).toBe('dropped')
      expect(bad!.reason).toMatch(/do not match the CID/)
      expect(good!.state).toBe('active')
    } finally {
      await pool.close()
      await tamperer.stop()
      await repo.close()
    }
  })

  it('says what happened to each source when none can finish', async () => {
    const tamperer = await startTamperingPeer(publisher)
    const repo = openRepo(join(dir, 'exhausted'))
    const pool = new SourcePool([await peerSource(repo, tamperer.addresses()[0]!), gatewaySource('http://127.0.0.1:9')])
    try {
      const error = await fetchModelFiles({ repo, manifestCid, outDir: join(dir, 'out-exhausted'), source: pool }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SourcesExhaustedError)
      expect((error as SourcesExhaustedError).code).toBe('SOURCES_EXHAUSTED')
      expect((error as SourcesExhaustedError).details).toMatch(/do not match the CID/)
      expect((error as SourcesExhaustedError).details).toMatch(/127\.0\.0\.1:9/)
      // With one source, its own error is the clearest.
      const alone = new SourcePool([await peerSource(repo, tamperer.addresses()[0]!)])
      const own = await fetchModelFiles({ repo, manifestCid, outDir: join(dir, 'out-alone'), source: alone }).catch((e: unknown) => e)
      await alone.close()
      expect(own).toBeInstanceOf(TamperedBlockError)
    } finally {
      await pool.close()
      await tamperer.stop()
      await repo.close()
    }
  })

  it('model get --keep pins what it fetched, and ipfs daemon serves it on to a third home', async () => {
    const homeC = join(dir, 'home-c')
    const got = await runCli(['model', 'get', manifestCid, '--peer', publisherNode.addresses()[0]!, '--keep', '--out', join(dir, 'out-c'), '--json'], { home: homeC })
    expect(got.code, got.stderr).toBe(0)
    expect(got.json.result.kept).toBe(true)
    const pins = await runCli(['ipfs', 'pins', '--json'], { home: homeC })
    const pinned = (pins.json.result.pins ?? pins.json.result).map((p: { cid: string }) => p.cid)
    expect(pinned).toEqual(expect.arrayContaining([manifestCid, bigCid]))
    // gc keeps a kept model: it is pinned like a published one.
    expect((await runCli(['ipfs', 'gc', '--json'], { home: homeC })).code).toBe(0)

    const daemonC = await startDaemon(homeC)
    const repoD = openRepo(join(dir, 'home-d'))
    try {
      // Only C serves: over its gateway, and over libp2p (CAR streams).
      const viaGateway = await fetchModelFiles({ repo: repoD, manifestCid, outDir: join(dir, 'out-d-gw'), source: gatewaySource(daemonC.gateway) })
      await expectFiles(join(dir, 'out-d-gw'))
      expect(viaGateway.sources[0]!.bytes).toBeGreaterThan(bigBytes.byteLength)
      const peerC = await peerSource(repoD, daemonC.multiaddrs[0]!)
      try {
        const viaPeer = await fetchModelFiles({ repo: repoD, manifestCid, outDir: join(dir, 'out-d-peer'), source: peerC })
        // The daemon advertises its gateway over libp2p; this client can reach it (both on loopback) and uses it.
        expect(viaPeer.sources[0]!.via).toBe(`HTTP gateway ${daemonC.gateway}`)
      } finally {
        await peerC.close()
      }
      await expectFiles(join(dir, 'out-d-peer'))
    } finally {
      await daemonC.stop()
      await repoD.close()
    }
  })
})
