import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { DEFAULT_PINNING_PORT, IpfsDaemon, type IpfsDaemonInfo } from '../../core/actions/ipfs/startIpfsDaemon.js'
import { PINNING_TOKEN_ENV } from '../../core/ipfs/pinning/errors.js'
import { resolvePinningToken } from '../../core/ipfs/pinning/token.js'

export default class IpfsDaemonCommand extends BaseCommand<typeof IpfsDaemonCommand> {
  static override summary = 'Serve the local IPFS repo over libp2p (bitswap) and a trustless HTTP gateway.'
  static override description = `Runs until Ctrl-C. Both listen on loopback by default; pass other addresses to share with other machines. The node
dials nobody by itself (no bootstrap, no public routers): peers fetch from it with \`model get --peer\` or any IPFS
client that dials the printed multiaddr, and any trustless-gateway client can use the HTTP address.
With --pinning-api it also serves the IPFS Pinning Service API (what \`ipfs pin remote\` and \`model pin --remote\`
speak): clients ask it to fetch a CID (a model card brings its files) from their origins and keep it pinned here. It
needs a token, from ${PINNING_TOKEN_ENV} or --pinning-token-file, and binds loopback unless --pinning-host says otherwise.
With --json, prints one ready line (the usual envelope, with "ready": true) once serving, and nothing on exit.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --listen /ip4/0.0.0.0/tcp/4001 --gateway-host 0.0.0.0 --gateway-port 8080',
    `${PINNING_TOKEN_ENV}=$(cat ~/.pin-token) <%= config.bin %> <%= command.id %> --pinning-api`,
    '<%= config.bin %> <%= command.id %> --pinning-api --pinning-token-file ~/.pin-token --pinning-port 0 --json',
  ]
  static override flags = {
    listen: Flags.string({ summary: 'libp2p listen multiaddr (repeatable).', multiple: true, default: ['/ip4/127.0.0.1/tcp/4001'] }),
    'gateway-host': Flags.string({ summary: 'Gateway bind address.', default: '127.0.0.1' }),
    'gateway-port': Flags.integer({ summary: 'Gateway port (0 = any free port).', default: 8080, min: 0, max: 65535 }),
    'no-gateway': Flags.boolean({ summary: 'Do not start the HTTP gateway.', default: false }),
    'bitswap-only': Flags.boolean({ summary: 'Serve libp2p peers over bitswap only, like a plain IPFS node (no whole-DAG CAR streams).', default: false }),
    'pinning-api': Flags.boolean({ summary: `Serve the IPFS Pinning Service API (token from ${PINNING_TOKEN_ENV} or --pinning-token-file).`, default: false }),
    'pinning-host': Flags.string({ summary: 'Pinning API bind address (with --pinning-api).', default: '127.0.0.1' }),
    'pinning-port': Flags.integer({ summary: 'Pinning API port (0 = any free port).', default: DEFAULT_PINNING_PORT, min: 0, max: 65535 }),
    'pinning-token-file': Flags.file({ summary: 'File holding only the pinning API token (instead of the env var).' }),
  }

  async run(): Promise<void> {
    const gateway = this.flags['no-gateway'] ? false : { host: this.flags['gateway-host'], port: this.flags['gateway-port'] }
    const pinning = this.flags['pinning-api']
      ? {
          token: (await resolvePinningToken({ token: process.env[PINNING_TOKEN_ENV], tokenFile: this.flags['pinning-token-file'] })).token,
          host: this.flags['pinning-host'],
          port: this.flags['pinning-port'],
        }
      : false
    await this.serve(new IpfsDaemon(this.ctx, { listen: this.flags.listen, gateway, pinning, bitswapOnly: this.flags['bitswap-only'] }), (info: IpfsDaemonInfo) => {
      this.log(`IPFS node ${info.peerId}`)
      for (const address of info.multiaddrs) this.log(`  libp2p  ${address}`)
      if (info.gateway) this.log(`  gateway ${info.gateway}/ipfs/<cid>?format=raw|car`)
      if (info.pinning) this.log(`  pinning ${info.pinning}/pins (IPFS Pinning Service API, bearer token)`)
      this.log('Serving; Ctrl-C to stop.')
    })
    this.log('Stopped.')
  }
}
