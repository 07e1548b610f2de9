import {
  encodeFunctionData,
  parseEventLogs,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hash,
  type ParseEventLogsReturnType,
  type TransactionReceipt,
  type Address,
} from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { protocolArtifacts, type ProtocolAbi, type ProtocolContractName } from '../../chain/protocol/registry.js'
import { sendTransaction, type TransactionProgress } from '../../chain/protocol/write.js'

type Mutability = 'nonpayable' | 'payable'

export type WriteProtocolParams<N extends ProtocolContractName, F extends ContractFunctionName<ProtocolAbi<N>, Mutability>> = {
  contract: N
  /** Another instance of the contract than the deployment's (a per-model clone, e.g. a model's governor). */
  at?: Address | undefined
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

/** REVERT_* (decoded custom errors), TX_REVERTED, INSUFFICIENT_FUNDS, signer and chain errors. */
export type WriteProtocolErrorType = ModeldaoError

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
  const [connection, deployed, account] = await Promise.all([ctx.chain(), params.at ? undefined : ctx.contract(params.contract), ctx.signer()])
  const contract = deployed ?? { address: params.at!, abi: protocolArtifacts[params.contract].abi as ProtocolAbi<N> }
  const call = `${params.contract}.${String(params.functionName)}`
  const data = encodeFunctionData({ abi: contract.abi, functionName: params.functionName, args: params.args } as never)
  const { hash, receipt } = await sendTransaction(connection, account, { to: contract.address, data, value: params.value, call, onProgress: params.onProgress })
  const own = receipt.logs.filter((log) => log.address.toLowerCase() === contract.address.toLowerCase())
  return { hash, receipt, events: parseEventLogs({ abi: contract.abi, logs: own, strict: true }) as ParseEventLogsReturnType<ProtocolAbi<N>, undefined, true> }
}

