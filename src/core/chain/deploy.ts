import { existsSync } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import type { Account, Address } from 'viem'
import { ExitCode, ModeldaoError } from '../errors/base.js'
import { walletClientFor, type ChainConnection } from './clients.js'
import { deploymentsFile, writeDeployments, type Deployments } from './deployments.js'
import { protocolContracts, type DeployContext } from './protocol.js'

export type DeployProtocolParams = {
  connection: ChainConnection
  account: Account
  /** Folder holding `<chainId>.json`. */
  deploymentsFolder: string
  /** Existing ERC-20 to use for payments. Without it, the test stablecoin is deployed (local chains). */
  paymentToken?: Address | undefined
  /** Replace an existing deployment (the old file is kept as `<chainId>.json.bak`). */
  force?: boolean | undefined
  onProgress?: ((event: { contract: string; stage: 'sending' | 'deployed'; address?: Address }) => void) | undefined
}

export type DeployProtocolResult = { deployments: Deployments; file: string }

/**
 * Deploys every protocol contract in order and records the addresses in the chain's deployments file.
 * @throws {ModeldaoError} ALREADY_DEPLOYED without `force` when a deployments file exists.
 * @example await deployProtocol({ connection, account, deploymentsFolder: layout.deployments })
 */
export async function deployProtocol(params: DeployProtocolParams): Promise<DeployProtocolResult> {
  const { connection, account, deploymentsFolder } = params
  const file = deploymentsFile(deploymentsFolder, connection.chainId)
  // Any file counts, even an unreadable one: it is backed up, never silently replaced.
  const existing = existsSync(file)
  if (existing && !params.force) {
    throw new ModeldaoError('ALREADY_DEPLOYED', `modeldao is already deployed on chain ${connection.chainId}.`, {
      details: `See ${file}.`,
      hints: ['Pass --force to deploy a fresh copy (the old file is kept as a .bak).'],
      exitCode: ExitCode.invalidInput,
    })
  }
  const wallet = walletClientFor(connection, account)
  const genesis = await connection.publicClient.getBlock({ blockNumber: 0n })
  const context: DeployContext = { addresses: {}, paymentToken: params.paymentToken ?? '0x0000000000000000000000000000000000000000', deployer: account.address }
  const contracts: Deployments['contracts'] = {}
  for (const contract of protocolContracts) {
    if (contract.isPaymentToken && params.paymentToken) continue
    params.onProgress?.({ contract: contract.name, stage: 'sending' })
    const hash = await wallet.deployContract({ abi: contract.abi, bytecode: contract.bytecode, args: contract.args(context) as unknown[] })
    const receipt = await connection.publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success' || !receipt.contractAddress) {
      throw new ModeldaoError('DEPLOY_FAILED', `Deploying ${contract.name} failed (transaction ${hash} reverted).`, { exitCode: ExitCode.internal })
    }
    contracts[contract.name] = { address: receipt.contractAddress, transactionHash: hash, blockNumber: receipt.blockNumber.toString() }
    context.addresses[contract.name] = receipt.contractAddress
    if (contract.isPaymentToken) context.paymentToken = receipt.contractAddress
    params.onProgress?.({ contract: contract.name, stage: 'deployed', address: receipt.contractAddress })
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
