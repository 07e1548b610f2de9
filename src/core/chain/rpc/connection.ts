import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { ChainIdMismatchError, RpcUnreachableError } from '../errors.js'

export type ChainConnection = {
  rpcUrl: string
  chainId: number
  chain: Chain
  publicClient: PublicClient<Transport, Chain>
}

export type ConnectParams = {
  rpcUrl: string
  /** When given, the endpoint must report this chain id. */
  expectedChainId?: number | undefined
  /** Where `expectedChainId` came from, for the error message (a flag, a deployments file). */
  expectedFrom?: string | undefined
  /** Request timeout in ms (default 10 s). */
  timeoutMs?: number | undefined
}

/**
 * Connects to an EVM JSON-RPC endpoint, reads its chain id and checks it against the expected one.
 * @throws {RpcUnreachableError} the endpoint does not answer.
 * @throws {ChainIdMismatchError} it answers with another chain id.
 * @example const { publicClient, chainId } = await connectChain({ rpcUrl: 'http://127.0.0.1:8545' })
 */
export async function connectChain(params: ConnectParams): Promise<ChainConnection> {
  const transport = http(params.rpcUrl, { timeout: params.timeoutMs ?? 10_000, retryCount: 0 })
  let chainId: number
  try {
    chainId = await createPublicClient({ transport }).getChainId()
  } catch (error) {
    throw new RpcUnreachableError(params.rpcUrl, error)
  }
  if (params.expectedChainId !== undefined && params.expectedChainId !== chainId) {
    throw new ChainIdMismatchError({
      expected: params.expectedChainId,
      actual: chainId,
      rpcUrl: params.rpcUrl,
      source: params.expectedFrom ?? '--chain-id',
    })
  }
  const chain = defineChain({
    id: chainId,
    name: chainId === 31337 ? 'Local (anvil)' : `Chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  })
  const publicClient = createPublicClient({ chain, transport }) as PublicClient<Transport, Chain>
  return { rpcUrl: params.rpcUrl, chainId, chain, publicClient }
}

/** A wallet client that signs locally with `account` and sends through the connection's endpoint. */
export function walletClientFor(connection: ChainConnection, account: Account): WalletClient<Transport, Chain, Account> {
  return createWalletClient({ account, chain: connection.chain, transport: http(connection.rpcUrl, { retryCount: 0 }) })
}

/** anvil's test RPC methods (mine, time travel) for a local chain. */
export function testClientFor(connection: ChainConnection) {
  return createTestClient({ mode: 'anvil', chain: connection.chain, transport: http(connection.rpcUrl, { retryCount: 0 }) })
}
