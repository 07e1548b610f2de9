import { connectChain } from './clients.js'
import { deployProtocol } from './deploy.js'
import { checkDeployments, readDeployments, type Deployments } from './deployments.js'
import { devAccount } from './devAccounts.js'
import { startLocalChain, type LocalChainRecord, type StartLocalChainParams } from './localChain.js'

export type ChainUpParams = StartLocalChainParams & {
  deploymentsFolder: string
  onProgress?: ((event: { stage: 'starting' | 'deploying' | 'ready'; contract?: string }) => void) | undefined
}

export type ChainUpResult = {
  record: LocalChainRecord
  alreadyRunning: boolean
  restoredState: boolean
  /** True when this call deployed the protocol (first start, or the saved state had lost it). */
  deployed: boolean
  /** Why an earlier deployment was replaced, if it was. */
  redeployReason?: string | undefined
  deployments: Deployments
}

/**
 * The embedded default: starts (or finds) the local anvil and makes sure the protocol is deployed on it, once.
 * @example const { record, deployments } = await chainUp({ localChainFolder, deploymentsFolder })
 */
export async function chainUp(params: ChainUpParams): Promise<ChainUpResult> {
  params.onProgress?.({ stage: 'starting' })
  const started = await startLocalChain(params)
  const connection = await connectChain({ rpcUrl: started.record.rpcUrl, expectedChainId: started.record.chainId })
  let deployments = await readDeployments(params.deploymentsFolder, connection.chainId).catch(() => undefined)
  let redeployReason: string | undefined
  if (deployments) {
    const check = await checkDeployments(connection, deployments)
    if (check.ok) return { ...started, deployed: false, deployments }
    redeployReason = check.reason
  }
  params.onProgress?.({ stage: 'deploying' })
  const result = await deployProtocol({
    connection,
    account: devAccount(0, connection.chainId),
    deploymentsFolder: params.deploymentsFolder,
    force: true,
    onProgress: (event) => params.onProgress?.({ stage: 'deploying', contract: event.contract }),
  })
  deployments = result.deployments
  params.onProgress?.({ stage: 'ready' })
  return { ...started, deployed: true, redeployReason, deployments }
}
