// The IPFS Pinning Service API end to end, with real daemons on loopback: home A publishes a model, home B runs the
// pinning API and is asked (through the client) to pin it from A; then A stops and B alone serves the model.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startIpfsDaemon, type IpfsDaemon } from '../../../src/core/actions/ipfs/startIpfsDaemon.js'
import { getModel } from '../../../src/core/actions/models/getModel.js'
import { pinModelRemote } from '../../../src/core/actions/models/pinModelRemote.js'
import { publishModel } from '../../../src/core/actions/models/publishModel.js'
import { createModeldao, type ModeldaoContext } from '../../../src/core/context/context.js'
import { createPinningClient, type PinningClient } from '../../../src/core/ipfs/pinning/client.js'
import type { PinStatus } from '../../../src/core/ipfs/pinning/types.js'
import { writeTinyGguf } from '../../../src/core/models/syntheticModel.js'
import { seededBytes } from '../../helpers/bytes.js'
import { tempHome } from '../../helpers/tempHome.js'

const token = 'test-token-0123456789'
const loopback = { listen: ['/ip4/127.0.0.1/tcp/0'] }

describe('IPFS Pinning Service API: client, server, daemon', () => {
  let dir: Awaited<ReturnType<typeof tempHome>>
  let a: ModeldaoContext
  let b: ModeldaoContext
  let daemonA: IpfsDaemon
  let daemonB: IpfsDaemon
  let service: PinningClient
  let manifestCid: string
  let fileCids: string[]
  let helloCid: string
  let weights: string
  let modelRequest: PinStatus
  let helloRequest: PinStatus
  const contexts: ModeldaoContext[] = []
  const context = (name: string) => {
    const md = createModeldao({ home: join(dir.root, name) })
    contexts.push(md)
    return md
  }

  beforeAll(async () => {
    dir = await tempHome()
    a = context('a')
    b = context('b')
    weights = join(dir.root, 'weights')
    await mkdir(weights)
    await writeTinyGguf(join(weights, 'model.gguf'))
    await writeFile(join(weights, 'big.bin'), seededBytes(1536 * 1024 + 5, 'pinning')) // interior nodes too
    const published = await publishModel(a, { inputs: [weights], name: 'tiny', ipfsOnly: true })
    manifestCid = published.manifestCid
    fileCids = published.manifest.files.map((file) => file.cid)
    await writeFile(join(dir.root, 'hello.txt'), 'hello pinning\n')
    helloCid = (await publishModel(a, { inputs: [join(dir.root, 'hello.txt')], name: 'hello', ipfsOnly: true })).manifest.files[0]!.cid
    daemonA = await startIpfsDaemon(a, { ...loopback, gateway: { port: 0 } })
    daemonB = await startIpfsDaemon(b, { ...loopback, gateway: { port: 0 }, pinning: { token, port: 0 } })
    service = createPinningClient({ url: daemonB.info!.pinning!, token })
  })
  afterAll(async () => {
    await daemonA?.stop()
    await daemonB?.stop()
    for (const md of contexts) await md.dispose()
    await dir?.cleanup()
  })

  it('pins a model from a peer origin (card and files) and a file from a gateway origin, reporting progress', async () => {
    expect(daemonB.info?.pinning).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const accepted = await service.add({ cid: manifestCid, name: 'Tiny Model', origins: [daemonA.info!.multiaddrs[0]!], meta: { app: 'test' } })
    expect(['queued', 'pinning']).toContain(accepted.status)
    expect(accepted.delegates).toEqual(daemonB.info!.multiaddrs)
    expect(accepted.pin).toMatchObject({ cid: manifestCid, name: 'Tiny Model', meta: { app: 'test' } })
    const seen: string[] = []
    modelRequest = await service.waitForPin(accepted.requestid, { intervalMs: 100, onProgress: ({ status }) => seen.push(status.status) })
    expect(modelRequest.status, JSON.stringify(modelRequest.info)).toBe('pinned')
    expect(seen.at(-1)).toBe('pinned')
    expect(modelRequest.info?.status_details).toMatch(/pinned 3 roots/)
    expect(modelRequest.created).toBe(accepted.created)
    const pinned = b.repo().pins().map((pin) => pin.cid)
    for (const cid of [manifestCid, ...fileCids]) expect(pinned).toContain(cid)

    helloRequest = await service.add({ cid: helloCid, name: 'hello.txt', origins: [daemonA.info!.gateway!] })
    helloRequest = await service.waitForPin(helloRequest.requestid, { intervalMs: 100 })
    expect(helloRequest.status, JSON.stringify(helloRequest.info)).toBe('pinned')
    expect(b.repo().pins().map((pin) => pin.cid)).toContain(helloCid)
  })

  it('refuses a missing or wrong token with 401, and names the failure of other calls', async () => {
    const bare = await fetch(`${service.url}/pins`)
    expect(bare.status).toBe(401)
    expect(await bare.json()).toEqual({ error: { reason: 'UNAUTHORIZED', details: expect.any(String) } })
    const wrong = createPinningClient({ url: service.url, token: 'nope', tokenSource: 'MODELDAO_PINNING_TOKEN' })
    const refused = await wrong.list().catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'PINNING_UNAUTHORIZED', exitCode: 3 })
    expect((refused as Error).message).toContain('MODELDAO_PINNING_TOKEN')
    expect((refused as Error).message).not.toContain('nope')
    await expect(service.add({ cid: 'not-a-cid' })).rejects.toMatchObject({ code: 'PINNING_REQUEST_REJECTED', reason: 'BAD_REQUEST', status: 400 })
    await expect(service.get('no-such-request')).rejects.toMatchObject({ code: 'PINNING_REQUEST_REJECTED', reason: 'NOT_FOUND', status: 404 })
    const down = createPinningClient({ url: 'http://127.0.0.1:9', token })
    await expect(down.list()).rejects.toMatchObject({ code: 'PINNING_SERVICE_UNREACHABLE', exitCode: 4 })
  })

  it('an unfetchable request ends failed with the reason, and lists filter by status, name, cid, meta, time', async () => {
    const closed = await freePort()
    let failed = await service.add({ cid: manifestCid.replace(/.$/, manifestCid.endsWith('a') ? 'b' : 'a'), name: 'broken', origins: [`http://127.0.0.1:${closed}`] })
    failed = await service.waitForPin(failed.requestid, { intervalMs: 100 })
    expect(failed.status).toBe('failed')
    expect(failed.info?.status_details).toMatch(new RegExp(`could not fetch .*http://127\\.0\\.0\\.1:${closed}`))

    const defaults = await service.list()
    expect(defaults.count).toBe(2) // pinned only, newest first
    expect(defaults.results.map((s) => s.requestid)).toEqual([helloRequest.requestid, modelRequest.requestid])
    expect((await service.list({ status: ['failed'] })).results.map((s) => s.requestid)).toEqual([failed.requestid])
    expect((await service.list({ status: ['pinned', 'failed'] })).count).toBe(3)
    expect((await service.list({ name: 'tiny model' })).count).toBe(0)
    expect((await service.list({ name: 'tiny model', match: 'iexact' })).results[0]?.requestid).toBe(modelRequest.requestid)
    expect((await service.list({ name: 'ell', match: 'partial' })).results[0]?.requestid).toBe(helloRequest.requestid)
    expect((await service.list({ cid: [helloCid] })).results[0]?.requestid).toBe(helloRequest.requestid)
    expect((await service.list({ meta: { app: 'test' } })).results.map((s) => s.requestid)).toEqual([modelRequest.requestid])
    const page = await service.list({ status: ['pinned', 'failed'], limit: 1 })
    expect(page).toMatchObject({ count: 3, results: [{ requestid: failed.requestid }] })
    const next = await service.list({ status: ['pinned', 'failed'], limit: 1, before: page.results[0]!.created })
    expect(next).toMatchObject({ count: 2, results: [{ requestid: helloRequest.requestid }] })
    expect((await service.list({ after: helloRequest.created, status: ['pinned', 'failed'] })).count).toBe(1)
    await expect(service.list({ limit: 5000 })).rejects.toMatchObject({ code: 'PINNING_REQUEST_REJECTED', reason: 'BAD_REQUEST' })
    await service.remove(failed.requestid)
  })

  it('delete unpins only what the request pinned; replace keeps the shared pins', async () => {
    // A pin B had before any request (its own publish) is borrowed, never unpinned by the service.
    await writeFile(join(dir.root, 'own.txt'), 'b publishes this itself\n')
    const ownCid = (await publishModel(b, { inputs: [join(dir.root, 'own.txt')], name: 'own', ipfsOnly: true })).manifest.files[0]!.cid
    const borrowed = await service.waitForPin((await service.add({ cid: ownCid })).requestid, { intervalMs: 100 })
    expect(borrowed.status).toBe('pinned') // no origin: already local
    await service.remove(borrowed.requestid)
    expect(b.repo().pins().map((pin) => pin.cid)).toContain(ownCid)

    // Two requests for one CID: the pin stays until the last one goes.
    const second = await service.waitForPin((await service.add({ cid: helloCid })).requestid, { intervalMs: 100 })
    expect(second.status).toBe('pinned')
    await service.remove(helloRequest.requestid)
    await expect(service.get(helloRequest.requestid)).rejects.toMatchObject({ reason: 'NOT_FOUND' })
    expect(b.repo().pins().map((pin) => pin.cid)).toContain(helloCid)
    const replaced = await service.waitForPin((await service.replace(second.requestid, { cid: helloCid, name: 'hello again' })).requestid, { intervalMs: 100 })
    expect(replaced).toMatchObject({ status: 'pinned', pin: { name: 'hello again' } })
    await expect(service.get(second.requestid)).rejects.toMatchObject({ reason: 'NOT_FOUND' })
    expect(b.repo().pins().map((pin) => pin.cid)).toContain(helloCid)
    await service.remove(replaced.requestid)
    expect(b.repo().pins().map((pin) => pin.cid)).not.toContain(helloCid)
  })

  it('requests left queued by a stop resume after a restart', async () => {
    // An origin that holds every request until released, so the one fetch slot stays busy while the daemon stops.
    let hold = true
    const stalled: Server = createServer((_req, res) => {
      if (!hold) res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve))
    const stalledUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`
    try {
      const d = context('d')
      const first = await startIpfsDaemon(d, { ...loopback, gateway: false, pinning: { token, port: 0, concurrency: 1 } })
      let client = createPinningClient({ url: first.info!.pinning!, token })
      const stuck = await client.add({ cid: helloCid, origins: [stalledUrl] })
      const queued = await client.add({ cid: manifestCid, origins: [daemonA.info!.gateway!] })
      await until(async () => (await client.get(stuck.requestid)).status === 'pinning')
      expect((await client.get(queued.requestid)).status).toBe('queued')
      await first.stop()
      await d.dispose()

      hold = false
      const again = context('d')
      const second = await startIpfsDaemon(again, { ...loopback, gateway: false, pinning: { token, port: 0, concurrency: 1 } })
      client = createPinningClient({ url: second.info!.pinning!, token })
      try {
        const resumed = await client.waitForPin(queued.requestid, { intervalMs: 100 })
        expect(resumed, JSON.stringify(resumed.info)).toMatchObject({ status: 'pinned', created: queued.created })
        expect((await client.get(stuck.requestid)).status).toBe('failed')
        expect(again.repo().pins().map((pin) => pin.cid)).toEqual(expect.arrayContaining([manifestCid, ...fileCids]))
      } finally {
        await second.stop()
      }
    } finally {
      stalled.closeAllConnections()
      await new Promise((resolve) => stalled.close(resolve))
    }
  })

  it('with A stopped, B alone serves the whole model to a third home; model pin follows the existing request', async () => {
    await daemonA.stop()
    const c = context('c')
    const out = join(dir.root, 'out')
    const got = await getModel(c, { ref: manifestCid, outDir: out, gateway: daemonB.info!.gateway! })
    expect(got.files.map((file) => file.path).sort()).toEqual(['big.bin', 'model.gguf'])
    // Buffer#equals, not toEqual: a deep compare of 1.5 MB byte by byte takes seconds.
    expect((await readFile(join(out, 'big.bin'))).equals(await readFile(join(weights, 'big.bin')))).toBe(true)

    // The action: no origin needed when the service already has the model; without it and without an origin, refused.
    const pinned = await pinModelRemote(c, { ref: manifestCid, service: service.url, token })
    expect(pinned).toMatchObject({ existing: true, request: { requestid: modelRequest.requestid, status: 'pinned' } })
    await expect(pinModelRemote(c, { ref: helloCid, service: service.url, token })).rejects.toMatchObject({ code: 'PINNING_ORIGIN_REQUIRED' })
    await expect(pinModelRemote(c, { ref: helloCid, service: service.url })).rejects.toMatchObject({ code: 'PINNING_TOKEN_MISSING' })
  })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
