import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { ExitCode, ModeldaoError } from '../../core/errors/base.js'
import { startGateway } from '../../core/ipfs/gateway.js'
import { createIpfsNode } from '../../core/ipfs/node.js'
import { openRepo } from '../../core/ipfs/repo.js'

export default class IpfsDaemon extends BaseCommand<typeof IpfsDaemon> {
  static override summary = 'Serve the local IPFS repo over libp2p (bitswap) and a trustless HTTP gateway.'
  static override description = `Runs until Ctrl-C. Both listen on loopback by default; pass other addresses to share with other machines. The node
dials nobody by itself (no bootstrap, no public routers): peers fetch from it with \`model get --peer\` or any IPFS
client that dials the printed multiaddr, and any trustless-gateway client can use the HTTP address.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --listen /ip4/0.0.0.0/tcp/4001 --gateway-host 0.0.0.0 --gateway-port 8080',
  ]
  static override flags = {
    listen: Flags.string({ summary: 'libp2p listen multiaddr (repeatable).', multiple: true, default: ['/ip4/127.0.0.1/tcp/4001'] }),
    'gateway-host': Flags.string({ summary: 'Gateway bind address.', default: '127.0.0.1' }),
    'gateway-port': Flags.integer({ summary: 'Gateway port (0 = any free port).', default: 8080, min: 0, max: 65535 }),
    'no-gateway': Flags.boolean({ summary: 'Do not start the HTTP gateway.', default: false }),
  }

  /** Long-running: with --json, prints one ready line (the envelope) when serving, and nothing on exit. */
  async run(): Promise<void> {
    const repo = openRepo(this.layout.ipfs)
    let node
    try {
      node = await createIpfsNode(repo, { listen: this.flags.listen })
    } catch (error) {
      await repo.close()
      throw new ModeldaoError('IPFS_LISTEN_FAILED', `Cannot listen on ${this.flags.listen.join(', ')}.`, {
        details: (error as Error).message,
        hints: ['Another daemon may be running; pick another address with --listen /ip4/127.0.0.1/tcp/0.'],
        exitCode: ExitCode.unavailable,
      })
    }
    let gateway
    if (!this.flags['no-gateway']) {
      try {
        gateway = await startGateway(repo, { host: this.flags['gateway-host'], port: this.flags['gateway-port'] })
      } catch (error) {
        await node.stop()
        await repo.close()
        throw new ModeldaoError('GATEWAY_LISTEN_FAILED', `Cannot start the gateway on ${this.flags['gateway-host']}:${this.flags['gateway-port']}.`, {
          details: (error as Error).message,
          hints: ['Pick another port with --gateway-port (0 = any free port).'],
          exitCode: ExitCode.unavailable,
        })
      }
    }
    const info = { peerId: node.libp2p.peerId.toString(), multiaddrs: node.addresses(), gateway: gateway?.url ?? null }
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify({ status: 0, result: { ...info, ready: true }, warnings: [] })}\n`)
    this.log(`IPFS node ${info.peerId}`)
    for (const address of info.multiaddrs) this.log(`  libp2p  ${address}`)
    if (gateway) this.log(`  gateway ${gateway.url}/ipfs/<cid>?format=raw|car`)
    this.log('Serving; Ctrl-C to stop.')
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await gateway?.close()
    await node.stop()
    await repo.close()
    this.log('Stopped.')
  }
}
