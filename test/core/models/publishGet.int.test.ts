import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importBytes } from 'ipfs-unixfs-importer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cidProfile, importerOptions } from '../../../src/core/ipfs/formats/cidProfiles.js'
import { BlockUnavailableError, Sha256MismatchError, SourceUnreachableError, TamperedBlockError } from '../../../src/core/ipfs/errors.js'
import { gatewaySource, peerSource } from '../../../src/core/ipfs/network/sources.js'
import { startGateway, type Gateway } from '../../../src/core/ipfs/network/gateway.js'
import { createIpfsNode, type IpfsNode } from '../../../src/core/ipfs/network/node.js'
import { openRepo, type IpfsRepo } from '../../../src/core/ipfs/storage/repo.js'
import { parseCid } from '../../../src/core/ipfs/formats/verify.js'
import { findFreePort } from '../../../src/core/chain/local/ports.js'
import { GgufMalformedError, ManifestInvalidError, PublishInputError } from '../../../src/core/models/errors.js'
import { fetchModelFiles as getModel } from '../../../src/core/models/get.js'
import { encodeManifest, parseManifest } from '../../../src/core/models/manifest.js'
import { publishToIpfs } from '../../../src/core/models/publish.js'
import { seededBytes } from '../../helpers/bytes.js'
import { writeTinyGguf } from '../../../src/core/models/syntheticModel.js'

describe('publish → get across repos (real Helia/libp2p, real HTTP gateway)', () => {
  let dir: string
  let weights: string
  let source: IpfsRepo
  let gateway: Gateway
  let node: IpfsNode
  let manifestCid: string
  let parameterCount: number

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-publish-'))
    weights = join(dir, 'weights')
    await mkdir(join(weights, 'tokenizer'), { recursive: true })
    parameterCount = await writeTinyGguf(join(weights, 'model.gguf'))
    await writeFile(join(weights, 'tokenizer', 'tokenizer.json'), '{"model":"tiny"}\n')
    await writeFile(join(weights, 'extra.bin'), seededBytes(1_500_000, 'extra'))
    source = openRepo(join(dir, 'source'))
    const published = await publishToIpfs({ repo: source, inputs: [weights], name: 'tiny', license: 'mit', datasets: ['wiki-10k'] })
    manifestCid = published.manifestCid
    gateway = await startGateway(source)
    node = await createIpfsNode(source)
  })
  afterAll(async () => {
    await gateway?.close()
    await node?.stop()
    await source?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes a manifest naming every file by path, CID, size and sha256, with the GGUF header read', async () => {
    const manifestBytes = Buffer.from(source.blockstore.getBytes(parseCid(manifestCid)))
    const manifest = parseManifest(manifestBytes)
    expect(manifest.files.map((f) => f.path)).toEqual(['extra.bin', 'model.gguf', 'tokenizer/tokenizer.json'])
    const gguf = manifest.files.find((f) => f.path === 'model.gguf')!
    expect(gguf.gguf).toMatchObject({ architecture: 'llama', parameterCount, contextLength: 256, tokenizer: 'llama', quantization: 'F32' })
    expect(manifest.architecture).toBe('llama')
    expect(manifest.cidProfile).toMatchObject({ name: 'kubo-v1', chunkSize: 262_144, maxChildrenPerNode: 174 })
    expect(manifest.datasets).toEqual(['wiki-10k'])
    expect(manifest.readme).toContain('# tiny')
    const { createHash } = await import('node:crypto')
    expect(manifest.files[0]!.sha256).toBe(createHash('sha256').update(await readFile(join(weights, 'extra.bin'))).digest('hex'))
  })

  it('publishing the same files and card again yields the same manifest CID and stores nothing new', async () => {
    const before = await source.blockstore.stats()
    const again = await publishToIpfs({ repo: source, inputs: [weights], name: 'tiny', license: 'mit', datasets: ['wiki-10k'] })
    const first = parseManifest(Buffer.from(source.blockstore.getBytes(parseCid(manifestCid))))
    expect(again.manifest.files.map((f) => f.cid)).toEqual(first.files.map((f) => f.cid))
    const after = await source.blockstore.stats()
    expect(again.manifestCid).toBe(manifestCid) // no timestamp in the card unless asked for
    expect(after.blocks - before.blocks).toBe(0)
    const stamped = await publishToIpfs({ repo: source, inputs: [weights], name: 'tiny', license: 'mit', datasets: ['wiki-10k'], createdAt: '2026-11-25T00:00:00.000Z' })
    expect(stamped.manifestCid).not.toBe(manifestCid)
    expect(stamped.manifest.createdAt).toBe('2026-11-25T00:00:00.000Z')
  })

  it('get over the trustless gateway gives byte-identical files', async () => {
    const repo = openRepo(join(dir, 'via-gateway'))
    const out = join(dir, 'out-gateway')
    const result = await getModel({ repo, manifestCid, outDir: out, source: gatewaySource(gateway.url) })
    for (const file of result.files) expect(await readFile(join(out, file.path))).toEqual(await readFile(join(weights, file.path)))
    expect(repo.pins().map((p) => p.cid)).toContain(manifestCid)
    await repo.close()
  })

  it('get over libp2p bitswap from a peer gives byte-identical files', async () => {
    const repo = openRepo(join(dir, 'via-peer'))
    const out = join(dir, 'out-peer')
    const peer = await peerSource(repo, node.addresses()[0]!)
    try {
      const result = await getModel({ repo, manifestCid, outDir: out, source: peer })
      for (const file of result.files) expect(await readFile(join(out, file.path))).toEqual(await readFile(join(weights, file.path)))
    } finally {
      await peer.close()
      await repo.close()
    }
  })

  it('an interrupted get resumes without fetching again what it already has', async () => {
    const repo = openRepo(join(dir, 'resume'))
    const out = join(dir, 'out-resume')
    const controller = new AbortController()
    await expect(
      getModel({
        repo,
        manifestCid,
        outDir: out,
        source: gatewaySource(gateway.url),
        signal: controller.signal,
        onProgress: (event) => {
          if (event.stage === 'fetching' && event.fetchedBytes > 500_000) controller.abort(new Error('stop'))
        },
      }),
    ).rejects.toThrow()
    // Only finished, verified files are visible; the one in progress waits in a hidden .partial file.
    const visible = (await readdir(out).catch(() => [] as string[])).filter((f) => !f.startsWith('.'))
    for (const name of visible) expect(await readFile(join(out, name))).toEqual(await readFile(join(weights, name)))
    expect((await readdir(out)).some((f) => f.startsWith('.') && f.endsWith('.partial'))).toBe(true)
    const resumed = await getModel({ repo, manifestCid, outDir: out, source: gatewaySource(gateway.url) })
    const total = resumed.manifest.files.reduce((n, f) => n + f.size, 0)
    expect(resumed.fetchedBytes).toBeLessThan(total)
    expect(await readFile(join(out, 'extra.bin'))).toEqual(await readFile(join(weights, 'extra.bin')))
    expect((await readdir(out)).filter((f) => f.endsWith('.partial'))).toEqual([])
    await repo.close()
  })

  it('rejects a tampered block from a gateway and names it; nothing is written', async () => {
    const evil: Server = createServer(async (req, res) => {
      const upstream = await fetch(`${gateway.url}${req.url}`, { headers: { accept: req.headers.accept ?? '' } })
      const body = Buffer.from(await upstream.arrayBuffer())
      if (body.length === 262_144) body[0] = body[0]! ^ 0xff // a full-size leaf sent alone
      if (req.url?.includes('format=car') && body.length > 100_000) body[100_000] = body[100_000]! ^ 0xff // inside the first leaf of a CAR
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' })
      res.end(body)
    })
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`
    const repo = openRepo(join(dir, 'tampered'))
    const out = join(dir, 'out-tampered')
    const error = await getModel({ repo, manifestCid, outDir: out, source: gatewaySource(url) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TamperedBlockError)
    expect((error as Error).message).toMatch(/bafkrei\w+/)
    expect((error as Error).message).toContain(url)
    expect(await readdir(out).catch(() => [])).toEqual([])
    await repo.close()
    await new Promise((resolve) => evil.close(resolve))
  })

  it('refuses files that do not match the manifest sha256, leaving nothing visible', async () => {
    const manifest = parseManifest(Buffer.from(source.blockstore.getBytes(parseCid(manifestCid))))
    const forged = { ...manifest, files: [{ ...manifest.files[0]!, sha256: '0'.repeat(64) }] }
    const stored = await importBytes(encodeManifest(forged), source.blockstore, importerOptions(cidProfile('kubo-v1')))
    await source.blockstore.flush()
    const repo = openRepo(join(dir, 'forged'))
    const out = join(dir, 'out-forged')
    await expect(getModel({ repo, manifestCid: stored.cid.toString(), outDir: out, source: gatewaySource(gateway.url) })).rejects.toBeInstanceOf(
      Sha256MismatchError,
    )
    expect(await readdir(out)).toEqual([])
    await repo.close()
  })

  it('refuses a manifest that fails the schema', async () => {
    const stored = await importBytes(new TextEncoder().encode('{"schema":"something-else"}'), source.blockstore, importerOptions(cidProfile('kubo-v1')))
    await source.blockstore.flush()
    const repo = openRepo(join(dir, 'bad-schema'))
    const error = await getModel({ repo, manifestCid: stored.cid.toString(), outDir: join(dir, 'o'), source: gatewaySource(gateway.url) }).catch((e) => e)
    expect(error).toBeInstanceOf(ManifestInvalidError)
    expect((error as ManifestInvalidError).problems).toContain('schema: expected "modeldao/model-card@1", got "something-else"')
    await repo.close()
  })

  it('unknown CIDs and unreachable sources get clear errors', async () => {
    const repo = openRepo(join(dir, 'errors'))
    const unknown = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    await expect(getModel({ repo, manifestCid: unknown, outDir: join(dir, 'o2'), source: gatewaySource(gateway.url) })).rejects.toBeInstanceOf(
      BlockUnavailableError,
    )
    const port = await findFreePort()
    await expect(getModel({ repo, manifestCid, outDir: join(dir, 'o3'), source: gatewaySource(`http://127.0.0.1:${port}`) })).rejects.toBeInstanceOf(
      SourceUnreachableError,
    )
    await expect(peerSource(repo, `/ip4/127.0.0.1/tcp/${port}/p2p/${node.libp2p.peerId}`, { timeoutMs: 3000 })).rejects.toBeInstanceOf(SourceUnreachableError)
    await repo.close()
  })

  it('the gateway answers raw blocks and CARs with trustless content types, 404 and 406 otherwise', async () => {
    const raw = await fetch(`${gateway.url}/ipfs/${manifestCid}?format=raw`)
    expect(raw.status).toBe(200)
    expect(raw.headers.get('content-type')).toBe('application/vnd.ipld.raw')
    const car = await fetch(`${gateway.url}/ipfs/${manifestCid}`, { headers: { accept: 'application/vnd.ipld.car' } })
    expect(car.headers.get('content-type')).toMatch(/^application\/vnd\.ipld\.car; version=1/)
    expect((await fetch(`${gateway.url}/ipfs/${manifestCid}`)).status).toBe(406)
    expect((await fetch(`${gateway.url}/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy?format=raw`)).status).toBe(404)
    expect((await fetch(`${gateway.url}/ipfs/not-a-cid?format=raw`)).status).toBe(400)
  })
})

describe('publish input errors', () => {
  let dir: string
  let repo: IpfsRepo
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-badinput-'))
    repo = openRepo(join(dir, 'repo'))
  })
  afterAll(async () => {
    await repo.close()
    await rm(dir, { recursive: true, force: true })
  })

  const publish = (inputs: string[]) => publishToIpfs({ repo, inputs, name: 'x' })

  it('missing path', async () => {
    await expect(publish([join(dir, 'nope')])).rejects.toMatchObject({ code: 'PUBLISH_PATH_MISSING' })
  })

  it('empty directory', async () => {
    await mkdir(join(dir, 'empty'))
    await expect(publish([join(dir, 'empty')])).rejects.toMatchObject({ code: 'PUBLISH_EMPTY_DIR' })
  })

  it('symlink loop', async () => {
    await mkdir(join(dir, 'loop'))
    await writeFile(join(dir, 'loop', 'a.bin'), 'a')
    await symlink(join(dir, 'loop'), join(dir, 'loop', 'again'))
    const error = await publish([join(dir, 'loop')]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PublishInputError)
    expect(error).toMatchObject({ code: 'PUBLISH_SYMLINK_LOOP' })
  })

  it('a .gguf file that is not GGUF, and a GGUF with a broken header', async () => {
    await writeFile(join(dir, 'fake.gguf'), 'definitely not gguf')
    await expect(publish([join(dir, 'fake.gguf')])).rejects.toBeInstanceOf(GgufMalformedError)
    const broken = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(8, 0xff)])
    await writeFile(join(dir, 'broken.gguf'), broken)
    const error = await publish([join(dir, 'broken.gguf')]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GgufMalformedError)
    expect((error as Error).message).toContain('broken.gguf claims to be GGUF')
    expect(repo.pins()).toEqual([])
  })
})
