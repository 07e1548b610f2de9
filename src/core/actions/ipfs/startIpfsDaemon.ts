import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { Service } from '../../service/service.js'
import { GatewayListenError, IpfsListenError } from '../../ipfs/errors.js'
import { startGateway, type Gateway } from '../../ipfs/network/gateway.js'
import type { IpfsNode } from '../../ipfs/network/node.js'
import { nodeSource, gatewaySource } from '../../ipfs/network/sources.js'
import { PinningListenError } from '../../ipfs/pinning/errors.js'
import { isGatewayOrigin, startPinningServer, type PinningServer } from '../../ipfs/pinning/server.js'

export type IpfsDaemonParams = {
  /** Serve blocks over bitswap only, like a plain IPFS node (no whole-DAG CAR streams to modeldao peers). */
  bitswapOnly?: boolean | undefined
  /** libp2p listen multiaddrs (default loopback on port 4001). */
  listen?: readonly string[] | undefined
  /** The trustless HTTP gateway's address, or false for none (default 127.0.0.1:8080). */
  gateway?: { host?: string | undefined; port?: number | undefined } | false | undefined
  /**
   * The IPFS Pinning Service API over the repo, behind `token` (default: none). Binds 127.0.0.1 on port 9097 unless
   * told otherwise; fetches origins through this daemon's node, `concurrency` requests at once (default 2).
   */
  pinning?: { token: string; host?: string | undefined; port?: number | undefined; concurrency?: number | undefined } | false | undefined
}
export type IpfsDaemonInfo = {
  peerId: string
  multiaddrs: string[]
  gateway: string | null
  /** Base URL of the pinning service API (`<url>/pins`), when started with one. */
  pinning: string | null
}
/** The pinning service API's default port (the one ipfs-cluster uses for it). */
export const DEFAULT_PINNING_PORT = 9097
/** The running daemon: `info` says where it serves; `stop()` or `await using` ends it. */
export type StartIpfsDaemonReturnType = IpfsDaemon
/** IPFS_LISTEN_FAILED, GATEWAY_LISTEN_FAILED, PINNING_LISTEN_FAILED (from start). */
export type IpfsDaemonErrorType = ModeldaoError

/** The local repo served over libp2p (bitswap, and whole DAGs as CAR streams to modeldao peers) and a trustless HTTP gateway. */
export class IpfsDaemon extends Service<IpfsDaemonInfo> {
  private node: IpfsNode | undefined
  private gateway: Gateway | undefined
  private pinning: PinningServer | undefined

  constructor(
    private readonly ctx: ModeldaoContext,
    private readonly params: IpfsDaemonParams,
  ) {
    super()
  }

  protected async open(): Promise<IpfsDaemonInfo> {
    const repo = this.ctx.repo()
    const listen = [...(this.params.listen ?? ['/ip4/127.0.0.1/tcp/4001'])]
    // Loaded on demand: libp2p and Helia cost a second or two to import.
    const { createIpfsNode } = await import('../../ipfs/network/node.js')
    const { serveCarProtocol } = await import('../../ipfs/network/carProtocol.js')
    try {
      this.node = await createIpfsNode(repo, { listen })
      if (!this.params.bitswapOnly) await serveCarProtocol(this.node.libp2p, repo)
    } catch (error) {
      throw new IpfsListenError(listen, error)
    }
    if (this.params.gateway !== false) {
      const host = this.params.gateway?.host ?? '127.0.0.1'
      const port = this.params.gateway?.port ?? 8080
      try {
        this.gateway = await startGateway(repo, { host, port })
      } catch (error) {
        await this.node.stop()
        throw new GatewayListenError(host, port, error)
      }
    }
    // Peers that dial this node learn where its gateway is, and fetch whole subtrees over HTTP when they can reach it.
    const gatewayUrl = this.gateway?.url ?? null
    const { serveNodeInfo } = await import('../../ipfs/network/nodeInfo.js')
    await serveNodeInfo(this.node.libp2p, () => ({ gateway: this.params.bitswapOnly ? null : gatewayUrl }))
    if (this.params.pinning) {
      const node = this.node
      const host = this.params.pinning.host ?? '127.0.0.1'
      const port = this.params.pinning.port ?? DEFAULT_PINNING_PORT
      try {
        this.pinning = await startPinningServer(repo, {
          token: this.params.pinning.token,
          host,
          port,
          concurrency: this.params.pinning.concurrency,
          delegates: () => node.addresses(),
          // Peers are dialled from this node (its identity, its bitswap), not from a second node over the same repo.
          openOrigin: async (origin) => (isGatewayOrigin(origin) ? gatewaySource(origin) : nodeSource(node, origin)),
        })
      } catch (error) {
        await this.gateway?.close()
        await node.stop()
        throw new PinningListenError(host, port, error)
      }
    }
    return {
      peerId: this.node.libp2p.peerId.toString(),
      multiaddrs: this.node.addresses(),
      gateway: this.gateway?.url ?? null,
      pinning: this.pinning?.url ?? null,
    }
  }

  protected async close(): Promise<void> {
    await this.pinning?.close()
    await this.gateway?.close()
    await this.node?.stop()
  }
}

/**
 * Starts the IPFS daemon over the context's repo; stop it with `stop()` or `await using`.
 * @example
 * await using daemon = await startIpfsDaemon(md, { listen: ['/ip4/127.0.0.1/tcp/0'], gateway: { port: 0 }, pinning: { token, port: 0 } })
 * console.log(daemon.info?.gateway, daemon.info?.pinning)
 */
export async function startIpfsDaemon(ctx: ModeldaoContext, params: IpfsDaemonParams = {}): Promise<StartIpfsDaemonReturnType> {
  const daemon = new IpfsDaemon(ctx, params)
  await daemon.start()
  return daemon
}
