import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { connectChain } from '../../chain/rpc/connection.js'
import { deployContracts } from '../../chain/protocol/deploy.js'
import { checkDeployments, readDeployments, type Deployments } from '../../chain/protocol/deployments.js'
import { devAccount } from '../../chain/local/devAccounts.js'
import { startLocalChain, type LocalChainRecord } from '../../chain/local/anvil.js'

export type ChainUpParams = {
  /** Port on 127.0.0.1; fails if taken. Default: 8545 when free, else any free port. */
  port?: number | undefined
  /** Chain id of a fresh chain (default 31337, or the saved chain's). */
  chainId?: number | undefined
  /** Throw away the saved state and start a fresh chain. */
  reset?: boolean | undefined
  onProgress?: ((event: { stage: 'starting' | 'deploying' | 'ready'; contract?: string }) => void) | undefined
}

export type ChainUpReturnType = {
  record: LocalChainRecord
  alreadyRunning: boolean
  restoredState: boolean
  /** True when this call deployed the protocol (first start, or the saved state had lost it). */
  deployed: boolean
  /** Why an earlier deployment was replaced, if it was. */
  redeployReason?: string | undefined
  deployments: Deployments
}
/** PORT_IN_USE, LOCAL_CHAIN_START_FAILED, LOCAL_CHAIN_RESET_WHILE_RUNNING, LOCAL_CHAIN_OTHER_ID_RUNNING, LOCAL_CHAIN_ID_CHANGED, TOOL_NOT_FOUND. */
export type ChainUpErrorType = ModeldaoError

/**
 * The embedded default: starts (or finds) the local anvil under the home folder and makes sure the protocol is
 * deployed on it, once.
 * @example const { record, deployments } = await chainUp(md, { port: 8545 })
 */
export async function chainUp(ctx: ModeldaoContext, params: ChainUpParams = {}): Promise<ChainUpReturnType> {
  params.onProgress?.({ stage: 'starting' })
  const started = await startLocalChain({ localChainFolder: ctx.home.localChain, port: params.port, chainId: params.chainId ?? ctx.options.chainId, reset: params.reset })
  const connection = await connectChain({ rpcUrl: started.record.rpcUrl, expectedChainId: started.record.chainId })
  let deployments = await readDeployments(ctx.home.deployments, connection.chainId).catch(() => undefined)
  let redeployReason: string | undefined
  if (deployments) {
    const check = await checkDeployments(connection, deployments)
    if (check.ok) return { ...started, deployed: false, deployments }
    redeployReason = check.reason
  }
  params.onProgress?.({ stage: 'deploying' })
  const result = await deployContracts({
    connection,
    account: devAccount(0, connection.chainId),
    deploymentsFolder: ctx.home.deployments,
    force: true,
    onProgress: (event) => params.onProgress?.({ stage: 'deploying', contract: event.contract }),
  })
  deployments = result.deployments
  params.onProgress?.({ stage: 'ready' })
  return { ...started, deployed: true, redeployReason, deployments }
}
