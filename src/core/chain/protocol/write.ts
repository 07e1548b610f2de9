import {
  encodeDeployData,
  type Account,
  type Address,
  type ContractConstructorArgs,
  type Hash,
  type Hex,
  type TransactionReceipt,
} from 'viem'
import { TransactionFailedError, TransactionRevertedError } from '../errors.js'
import { walletClientFor, type ChainConnection } from '../rpc/connection.js'
import { protocolArtifacts, type ProtocolAbi, type ProtocolContractName } from './registry.js'
import { decodeTransactionError } from './reverts.js'

/** What a transaction goes through; a command shows it as a spinner. */
export type TransactionProgress =
  | { stage: 'simulated'; call: string }
  | { stage: 'signed'; call: string }
  | { stage: 'sent'; call: string; hash: Hash }
  | { stage: 'mined'; call: string; hash: Hash; blockNumber: bigint }

/**
 * Deploys one protocol contract through the same simulate → sign → send → wait → check path.
 * @throws {TransactionFailedError} the receipt has no contract address.
 */
export async function deployProtocolContract<N extends ProtocolContractName>(
  connection: ChainConnection,
  account: Account,
  name: N,
  args: ContractConstructorArgs<ProtocolAbi<N>>,
  onProgress?: (event: TransactionProgress) => void,
): Promise<{ address: Address; hash: Hash; blockNumber: bigint }> {
  const { abi, bytecode } = protocolArtifacts[name]
  const data = encodeDeployData({ abi, bytecode, args } as never)
  const { hash, receipt } = await sendTransaction(connection, account, { data, call: `deploy ${name}`, onProgress })
  if (!receipt.contractAddress) throw new TransactionFailedError(`Deploying ${name} created no contract (transaction ${hash}).`)
  return { address: receipt.contractAddress, hash, blockNumber: receipt.blockNumber }
}

/** Simulate → sign → send → wait → check, for one transaction; reverts and lack of funds come back decoded. */
export async function sendTransaction(
  connection: ChainConnection,
  account: Account,
  tx: { to?: Address | undefined; data: Hex; value?: bigint | undefined; call: string; onProgress?: ((event: TransactionProgress) => void) | undefined },
): Promise<{ hash: Hash; receipt: TransactionReceipt }> {
  const context = { call: tx.call, account: account.address, chainId: connection.chainId }
  const wallet = walletClientFor(connection, account)
  let serializedTransaction: Hex
  try {
    // The simulation: a revert or a lack of funds surfaces here, decoded, before anything is signed.
    await connection.publicClient.call({ account, to: tx.to, data: tx.data, value: tx.value })
    tx.onProgress?.({ stage: 'simulated', call: tx.call })
    const request = await wallet.prepareTransactionRequest({ account, to: tx.to, data: tx.data, value: tx.value, chain: connection.chain } as never)
    serializedTransaction = await wallet.signTransaction(request as never)
  } catch (error) {
    throw decodeTransactionError(error, context)
  }
  tx.onProgress?.({ stage: 'signed', call: tx.call })
  let hash: Hash
  try {
    hash = await wallet.sendRawTransaction({ serializedTransaction })
  } catch (error) {
    throw decodeTransactionError(error, context)
  }
  tx.onProgress?.({ stage: 'sent', call: tx.call, hash })
  const receipt = await connection.publicClient.waitForTransactionReceipt({ hash })
  // Passed the simulation but reverted when mined: the state changed in between.
  if (receipt.status !== 'success') throw new TransactionRevertedError(tx.call, `transaction ${hash} reverted in block ${receipt.blockNumber} (the chain changed since the simulation)`)
  tx.onProgress?.({ stage: 'mined', call: tx.call, hash, blockNumber: receipt.blockNumber })
  return { hash, receipt }
}
