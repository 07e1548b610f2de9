import { Args, Flags, ux } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { interruptSignal } from '../../cli/progress.js'
import { pinModelRemote, type PinModelRemoteReturnType } from '../../core/actions/models/pinModelRemote.js'
import type { WaitForPinProgress } from '../../core/ipfs/pinning/client.js'
import { PINNING_TOKEN_ENV } from '../../core/ipfs/pinning/errors.js'

export default class ModelPin extends BaseCommand<typeof ModelPin> {
  static override summary = 'Ask a remote pinning service to keep a model available while your machine is off.'
  static override description = `Talks the IPFS Pinning Service API (the one \`ipfs pin remote\` uses; \`modeldao ipfs daemon --pinning-api\` serves
it): the service fetches the model card and every file from the origins you give, verifies each block, and pins
them. Origins are libp2p multiaddrs or trustless gateway URLs of a node that has the model, reachable from the
service; they are needed unless the service already has the model. The token comes from ${PINNING_TOKEN_ENV} or
--token-file and is never printed. Waits until the service reports pinned (or failed) unless --no-wait.`
  static override examples = [
    `${PINNING_TOKEN_ENV}=… <%= config.bin %> <%= command.id %> bafkrei… --remote https://pin.example.com --origin /ip4/203.0.113.5/tcp/4001/p2p/12D3Koo…`,
    '<%= config.bin %> <%= command.id %> 1 --remote http://127.0.0.1:9097 --token-file ~/.pin-token --origin http://203.0.113.5:8080 --no-wait --json',
  ]
  static override args = { ref: Args.string({ description: 'Model id (on chain) or manifest CID.', required: true }) }
  static override flags = {
    remote: Flags.string({ summary: 'Base URL of the pinning service (its API serves <url>/pins).', required: true }),
    'token-file': Flags.file({ summary: `File holding only the service's access token (default: ${PINNING_TOKEN_ENV}).` }),
    origin: Flags.string({ summary: 'Multiaddr or gateway URL the service fetches the model from (repeatable).', multiple: true }),
    name: Flags.string({ summary: "The pin's name at the service (default: the model's name)." }),
    'no-wait': Flags.boolean({ summary: 'Return once the service accepted the request, without following it.', default: false }),
  }

  async run(): Promise<PinModelRemoteReturnType> {
    using interrupt = interruptSignal()
    const result = await pinModelRemote(this.ctx, {
      ref: this.args.ref,
      service: this.flags.remote,
      token: process.env[PINNING_TOKEN_ENV],
      tokenFile: this.flags['token-file'],
      origins: this.flags.origin,
      name: this.flags.name,
      wait: !this.flags['no-wait'],
      signal: interrupt.signal,
      onProgress: this.pinProgress(),
    })
    this.progressDone(result.request.status)
    const { request } = result
    this.log(`${result.existing ? 'Already requested' : 'Requested'}: ${result.manifestCid} at ${result.service} is ${request.status} (request ${request.requestid})`)
    if (request.info?.status_details) this.log(`  ${request.info.status_details}`)
    for (const delegate of request.delegates) this.log(`  delegate ${delegate}`)
    return result
  }

  /** A spinner on a TTY; off one, a line on stderr each time the status changes. */
  private pinProgress() {
    let last = ''
    return ({ status, seconds }: WaitForPinProgress) => {
      if (this.jsonEnabled()) return
      const details = status.info?.status_details
      if (process.stderr.isTTY) {
        if (!ux.action.running) this.progress(`Pinning at ${this.flags.remote}`)
        ux.action.status = `${status.status}${details ? `: ${details}` : ''} (${seconds.toFixed(0)}s)`
      } else if (status.status !== last) {
        process.stderr.write(`${status.status}${details ? `: ${details}` : ''}\n`)
      }
      last = status.status
    }
  }
}
