import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startIpfsDaemon, type IpfsDaemonInfo } from '../../../../src/core/actions/ipfs/startIpfsDaemon.js'
import { publishModel } from '../../../../src/core/actions/models/publishModel.js'
import { createModeldao, type ModeldaoContext } from '../../../../src/core/context/context.js'
import { tempHome } from '../../../helpers/tempHome.js'

describe('the IPFS daemon as a service (in process, loopback)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let md: ModeldaoContext
  beforeEach(async () => {
    home = await tempHome()
    md = createModeldao({ home: home.root })
  })
  afterEach(async () => {
    await md.dispose()
    await home.cleanup()
  })

  it('emits ready with its addresses, serves the repo over the gateway, and stops with await using', async () => {
    await writeFile(join(home.root, 'hello.txt'), 'hello world\n')
    const { manifest } = await publishModel(md, { inputs: [join(home.root, 'hello.txt')], name: 'hello', ipfsOnly: true })
    const cid = manifest.files[0]!.cid
    let announced: IpfsDaemonInfo | undefined
    let gateway: string
    {
      await using daemon = await startIpfsDaemon(md, { listen: ['/ip4/127.0.0.1/tcp/0'], gateway: { port: 0 } })
      daemon.on('stopped', () => (announced = daemon.info))
      expect(daemon.running).toBe(true)
      expect(daemon.info?.multiaddrs.some((address) => address.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
      gateway = daemon.info!.gateway!
      expect(gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const response = await fetch(`${gateway}/ipfs/${cid}?format=raw`)
      expect(response.status).toBe(200)
      expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('hello world\n')
    }
    expect(announced?.gateway).toBe(gateway)
    await expect(fetch(`${gateway}/ipfs/${cid}?format=raw`)).rejects.toThrow()
  })

  it('a port already taken fails start with GATEWAY_LISTEN_FAILED and leaves nothing running', async () => {
    await using first = await startIpfsDaemon(md, { listen: ['/ip4/127.0.0.1/tcp/0'], gateway: { port: 0 } })
    const port = Number(new URL(first.info!.gateway!).port)
    const otherHome = await tempHome()
    const other = createModeldao({ home: otherHome.root })
    await expect(startIpfsDaemon(other, { listen: ['/ip4/127.0.0.1/tcp/0'], gateway: { port } })).rejects.toMatchObject({ code: 'GATEWAY_LISTEN_FAILED', exitCode: 4 })
    await other.dispose()
    await otherHome.cleanup()
  })
})
