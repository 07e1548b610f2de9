import {
  encodeDeployData,
  encodeFunctionData,
  parseEventLogs,
  type Account,
  type Address,
  type ContractConstructorArgs,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hash,
  type Hex,
  type ParseEventLogsReturnType,
  type TransactionReceipt,
} from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
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

type Mutability = 'nonpayable' | 'payable'

export type WriteProtocolParams<N extends ProtocolContractName, F extends ContractFunctionName<ProtocolAbi<N>, Mutability>> = {
  contract: N
  functionName: F
  args: ContractFunctionArgs<ProtocolAbi<N>, Mutability, F>
  value?: bigint | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}

export type WriteProtocolReturnType<N extends ProtocolContractName> = {
  hash: Hash
  receipt: TransactionReceipt
  /** The contract's own events in the receipt, decoded and typed. */
  events: ParseEventLogsReturnType<ProtocolAbi<N>, undefined, true>
}

/**
 * Simulates, signs, sends, waits for and checks one transaction: the one way an action changes chain state. The
 * simulation turns a revert into a decoded ContractRevertError before anything is signed; lack of gas money becomes
 * INSUFFICIENT_FUNDS.
 * @example const { events } = await writeProtocol(md, { contract: 'ModelShares', functionName: 'createModel', args })
 */
export async function writeProtocol<N extends ProtocolContractName, F extends ContractFunctionName<ProtocolAbi<N>, Mutability>>(
  ctx: ModeldaoContext,
  params: WriteProtocolParams<N, F>,
): Promise<WriteProtocolReturnType<N>> {
  const [connection, contract, account] = await Promise.all([ctx.chain(), ctx.contract(params.contract), ctx.signer()])
  const call = `${params.contract}.${String(params.functionName)}`
  const data = encodeFunctionData({ abi: contract.abi, functionName: params.functionName, args: params.args } as never)
  const { hash, receipt } = await sendTransaction(connection, account, { to: contract.address, data, value: params.value, call, onProgress: params.onProgress })
  const own = receipt.logs.filter((log) => log.address.toLowerCase() === contract.address.toLowerCase())
  return { hash, receipt, events: parseEventLogs({ abi: contract.abi, logs: own, strict: true }) as ParseEventLogsReturnType<ProtocolAbi<N>, undefined, true> }
}

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

async function sendTransaction(
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
