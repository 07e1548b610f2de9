import { formatEther, type Address } from 'viem'
import { connectChain } from './clients.js'
import { checkDeployments, readDeployments, type Deployments } from './deployments.js'
import { devAccountAddresses } from './devAccounts.js'
import { LocalChainNotRunningError } from './errors.js'
import { findLocalChain, type LocalChainRecord } from './localChain.js'

export type ChainStatusParams = {
  localChainFolder: string
  deploymentsFolder: string
  /** Another endpoint than the local chain. */
  rpcUrl?: string | undefined
  expectedChainId?: number | undefined
}

export type ChainStatus = {
  rpcUrl: string
  chainId: number
  blockNumber: string
  blockTimestamp: string
  /** The local anvil's record, when the status is of the local chain. */
  local?: LocalChainRecord | undefined
  accounts: { address: Address; balance: string }[]
  deployments?: Deployments | undefined
  deploymentsProblem?: string | undefined
  healthy: boolean
}

/**
 * Reads block, chain id, dev accounts (local chains) and deployments, and checks the deployments are really there.
 * @throws {LocalChainNotRunningError} no rpcUrl and no local chain running.
 * @throws {RpcUnreachableError}
 */
export async function getChainStatus(params: ChainStatusParams): Promise<ChainStatus> {
  let local: LocalChainRecord | undefined
  let rpcUrl = params.rpcUrl
  if (!rpcUrl) {
    local = await findLocalChain(params.localChainFolder)
    if (!local) throw new LocalChainNotRunningError(params.localChainFolder)
    rpcUrl = local.rpcUrl
  }
  const connection = await connectChain({ rpcUrl, expectedChainId: params.expectedChainId })
  const block = await connection.publicClient.getBlock()
  const accounts = connection.chainId === 31337 ? await Promise.all(
    devAccountAddresses().map(async (address) => ({
      address,
      balance: `${formatEther(await connection.publicClient.getBalance({ address }))} ETH`,
    })),
  ) : []
  let deployments: Deployments | undefined
  let deploymentsProblem: string | undefined
  try {
    deployments = await readDeployments(params.deploymentsFolder, connection.chainId)
    if (!deployments) deploymentsProblem = 'not deployed (run `modeldao deploy`)'
    else {
      const check = await checkDeployments(connection, deployments)
      if (!check.ok) deploymentsProblem = check.reason
    }
  } catch (error) {
    deploymentsProblem = (error as Error).message.split('\n')[0]
  }
  return {
    rpcUrl,
    chainId: connection.chainId,
    blockNumber: block.number.toString(),
    blockTimestamp: new Date(Number(block.timestamp) * 1000).toISOString(),
    local,
    accounts,
    deployments,
    deploymentsProblem,
    healthy: deploymentsProblem === undefined,
  }
}
