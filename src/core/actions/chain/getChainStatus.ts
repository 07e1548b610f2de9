import { formatEther, type Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { checkDeployments, readDeployments, type Deployments } from '../../chain/protocol/deployments.js'
import { devAccountAddresses } from '../../chain/local/devAccounts.js'
import type { LocalChainRecord } from '../../chain/local/anvil.js'

export type GetChainStatusReturnType = {
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
/** LOCAL_CHAIN_NOT_RUNNING (no rpcUrl and no local chain), RPC_UNREACHABLE, CHAIN_ID_MISMATCH. */
export type GetChainStatusErrorType = ModeldaoError

/**
 * Block, chain id, dev accounts (local chains) and deployments, with a check that the deployments are really there.
 * @example const { healthy, blockNumber } = await getChainStatus(md)
 */
export async function getChainStatus(ctx: ModeldaoContext): Promise<GetChainStatusReturnType> {
  const local = await ctx.localChain()
  const connection = await ctx.chain()
  const block = await connection.publicClient.getBlock()
  const accounts =
    connection.chainId === 31337
      ? await Promise.all(
          devAccountAddresses().map(async (address) => ({
            address,
            balance: `${formatEther(await connection.publicClient.getBalance({ address }))} ETH`,
          })),
        )
      : []
  let deployments: Deployments | undefined
  let deploymentsProblem: string | undefined
  try {
    deployments = await readDeployments(ctx.home.deployments, connection.chainId)
    if (!deployments) deploymentsProblem = 'not deployed (run `modeldao deploy`)'
    else {
      const check = await checkDeployments(connection, deployments)
      if (!check.ok) deploymentsProblem = check.reason
    }
  } catch (error) {
    deploymentsProblem = (error as Error).message.split('\n')[0]
  }
  return {
    rpcUrl: connection.rpcUrl,
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
