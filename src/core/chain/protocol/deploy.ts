import { existsSync } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import { encodeFunctionData, type Abi, type Account, type Address } from 'viem'
import { AlreadyDeployedError } from '../errors.js'
import type { ChainConnection } from '../rpc/connection.js'
import { deploymentsFile, writeDeployments, type Deployments } from './deployments.js'
import { protocolArtifacts, protocolSteps, type DeployContext } from './registry.js'
import { deployProtocolContract, sendTransaction } from './write.js'

export type DeployProgress = { contract: string; stage: 'sending' | 'deployed'; address?: Address }

export type DeployContractsParams = {
  connection: ChainConnection
  account: Account
  /** Folder holding `<chainId>.json`. */
  deploymentsFolder: string
  /** Existing ERC-20 to use for payments. Without it, the test stablecoin is deployed (local chains). */
  paymentToken?: Address | undefined
  /** Replace an existing deployment (the old file is kept as `<chainId>.json.bak`). */
  force?: boolean | undefined
  onProgress?: ((event: DeployProgress) => void) | undefined
}

/**
 * Deploys every protocol contract in order and records the addresses in the chain's deployments file.
 * @throws {AlreadyDeployedError} without `force` when a deployments file exists.
 */
export async function deployContracts(params: DeployContractsParams): Promise<{ deployments: Deployments; file: string }> {
  const { connection, account, deploymentsFolder } = params
  const file = deploymentsFile(deploymentsFolder, connection.chainId)
  // Any file counts, even an unreadable one: it is backed up, never silently replaced.
  const existing = existsSync(file)
  if (existing && !params.force) throw new AlreadyDeployedError(connection.chainId, file)
  const genesis = await connection.publicClient.getBlock({ blockNumber: 0n })
  const context: DeployContext = { addresses: {}, paymentToken: params.paymentToken ?? '0x0000000000000000000000000000000000000000', deployer: account.address }
  const contracts: Deployments['contracts'] = {}
  for (const step of protocolSteps) {
    if (step.isPaymentToken && params.paymentToken) continue
    params.onProgress?.({ contract: step.name, stage: 'sending' })
    const deployed = await deployProtocolContract(connection, account, step.name, step.args(context) as never)
    contracts[step.name] = { address: deployed.address, transactionHash: deployed.hash, blockNumber: deployed.blockNumber.toString() }
    context.addresses[step.name] = deployed.address
    if (step.isPaymentToken) context.paymentToken = deployed.address
    if (step.then) {
      const call = step.then(context)
      const data = encodeFunctionData({ abi: protocolArtifacts[call.contract].abi as Abi, functionName: call.functionName, args: call.args })
      await sendTransaction(connection, account, { to: context.addresses[call.contract], data, call: `${call.contract}.${call.functionName}` })
    }
    params.onProgress?.({ contract: step.name, stage: 'deployed', address: deployed.address })
  }
  const deployments: Deployments = {
    version: 1,
    chainId: connection.chainId,
    genesisHash: genesis.hash,
    deployer: account.address,
    deployedAt: new Date().toISOString(),
    paymentToken: context.paymentToken,
    contracts,
  }
  if (existing) await copyFile(file, `${file}.bak`)
  await writeDeployments(deploymentsFolder, deployments)
  return { deployments, file }
}
