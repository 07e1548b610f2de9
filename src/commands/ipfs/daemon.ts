import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { IpfsDaemon, type IpfsDaemonInfo } from '../../core/actions/ipfs/startIpfsDaemon.js'

export default class IpfsDaemonCommand extends BaseCommand<typeof IpfsDaemonCommand> {
  static override summary = 'Serve the local IPFS repo over libp2p (bitswap) and a trustless HTTP gateway.'
  static override description = `Runs until Ctrl-C. Both listen on loopback by default; pass other addresses to share with other machines. The node
dials nobody by itself (no bootstrap, no public routers): peers fetch from it with \`model get --peer\` or any IPFS
client that dials the printed multiaddr, and any trustless-gateway client can use the HTTP address.
With --json, prints one ready line (the usual envelope, with "ready": true) once serving, and nothing on exit.`
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

  async run(): Promise<void> {
    const gateway = this.flags['no-gateway'] ? false : { host: this.flags['gateway-host'], port: this.flags['gateway-port'] }
    await this.serve(new IpfsDaemon(this.ctx, { listen: this.flags.listen, gateway }), (info: IpfsDaemonInfo) => {
      this.log(`IPFS node ${info.peerId}`)
      for (const address of info.multiaddrs) this.log(`  libp2p  ${address}`)
      if (info.gateway) this.log(`  gateway ${info.gateway}/ipfs/<cid>?format=raw|car`)
      this.log('Serving; Ctrl-C to stop.')
    })
    this.log('Stopped.')
  }
}
