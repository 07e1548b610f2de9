import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { getAddress, type Address, type Hash } from 'viem'
import { atomicWriteFile } from '../../home/atomicWrite.js'
import type { ChainConnection } from '../rpc/connection.js'
import { DeploymentIncompleteError, DeploymentsCorruptError, DeploymentsMismatchError, NotDeployedError } from '../errors.js'
import { protocolArtifacts, type ProtocolAbi, type ProtocolContractName } from './registry.js'

export type DeployedContract = { address: Address; transactionHash: Hash; blockNumber: string }

/** What `deploy` records per chain id: enough to find every protocol contract and to tell chains apart. */
export type Deployments = {
  version: 1
  chainId: number
  /** Hash of block 0: a different chain behind the same id (a wiped anvil) has another one. */
  genesisHash: Hash
  deployer: Address
  deployedAt: string
  /** The ERC-20 every payment and fee uses on this deployment. */
  paymentToken: Address
  /** By contract name; TestUSD only where no payment token was given. */
  contracts: Partial<Record<ProtocolContractName, DeployedContract>>
}

export function deploymentsFile(deploymentsFolder: string, chainId: number): string {
  return join(deploymentsFolder, `${chainId}.json`)
}

/** Reads the deployments file of a chain, or undefined when there is none. */
export async function readDeployments(deploymentsFolder: string, chainId: number): Promise<Deployments | undefined> {
  const file = deploymentsFile(deploymentsFolder, chainId)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let parsed: Deployments
  try {
    parsed = JSON.parse(text) as Deployments
  } catch (error) {
    throw new DeploymentsCorruptError(file, error)
  }
  if (parsed.version !== 1 || parsed.chainId !== chainId || typeof parsed.contracts !== 'object') {
    throw new DeploymentsMismatchError({ chainId, file, reason: `it describes chain ${parsed.chainId} (format version ${parsed.version})` })
  }
  return parsed
}

/** Reads the deployments of a chain or throws NotDeployedError. */
export async function requireDeployments(deploymentsFolder: string, chainId: number): Promise<Deployments> {
  const deployments = await readDeployments(deploymentsFolder, chainId)
  if (!deployments) throw new NotDeployedError(chainId, deploymentsFile(deploymentsFolder, chainId))
  return deployments
}

export async function writeDeployments(deploymentsFolder: string, deployments: Deployments): Promise<string> {
  const file = deploymentsFile(deploymentsFolder, deployments.chainId)
  await atomicWriteFile(file, `${JSON.stringify(deployments, null, 2)}\n`)
  return file
}

export type DeploymentsCheck = { ok: true } | { ok: false; reason: string }

/** Checks that the recorded contracts are really on this chain: same genesis block, code at every address. */
export async function checkDeployments(connection: ChainConnection, deployments: Deployments): Promise<DeploymentsCheck> {
  const genesis = await connection.publicClient.getBlock({ blockNumber: 0n })
  if (genesis.hash !== deployments.genesisHash) {
    return { ok: false, reason: `genesis block ${genesis.hash} differs from the recorded ${deployments.genesisHash} (another chain with the same id)` }
  }
  for (const [name, contract] of Object.entries(deployments.contracts)) {
    if (!contract) continue
    const code = await connection.publicClient.getCode({ address: getAddress(contract.address) })
    if (!code || code === '0x') return { ok: false, reason: `no code at ${name} ${contract.address}` }
  }
  return { ok: true }
}

/** Like checkDeployments, but throws DeploymentsMismatchError. */
export async function assertDeployments(connection: ChainConnection, deploymentsFolder: string, deployments: Deployments) {
  const check = await checkDeployments(connection, deployments)
  if (!check.ok) {
    throw new DeploymentsMismatchError({ chainId: deployments.chainId, file: deploymentsFile(deploymentsFolder, deployments.chainId), reason: check.reason })
  }
}

/** A deployed contract with its typed ABI, ready for viem's readContract / the write helper. */
export type ProtocolContractHandle<N extends ProtocolContractName> = { name: N; address: Address; abi: ProtocolAbi<N> }

/**
 * The deployed contract `name` from a chain's deployments.
 * @throws {DeploymentIncompleteError} the deployments file has no such contract.
 */
export function protocolContract<N extends ProtocolContractName>(deployments: Deployments, name: N, deploymentsFolder: string): ProtocolContractHandle<N> {
  const entry = deployments.contracts[name]
  if (!entry) throw new DeploymentIncompleteError(deployments.chainId, name, deploymentsFolder)
  return { name, address: entry.address, abi: protocolArtifacts[name].abi }
}

