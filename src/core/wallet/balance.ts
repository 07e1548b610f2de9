import { erc20Abi, formatEther, formatUnits, type Address } from 'viem'
import type { ChainConnection } from '../chain/clients.js'
import type { Deployments } from '../chain/deployments.js'

export type Balances = {
  address: Address
  native: { symbol: string; raw: string; formatted: string }
  paymentToken?: { address: Address; symbol: string; decimals: number; raw: string; formatted: string } | undefined
}

/** Native balance, plus the deployment's payment-token balance when deployments are known. */
export async function getBalances(connection: ChainConnection, address: Address, deployments?: Deployments): Promise<Balances> {
  const native = await connection.publicClient.getBalance({ address })
  const result: Balances = {
    address,
    native: { symbol: connection.chain.nativeCurrency.symbol, raw: native.toString(), formatted: formatEther(native) },
  }
  if (deployments) {
    const token = deployments.paymentToken
    const [symbol, decimals, raw] = await Promise.all([
      connection.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'symbol' }),
      connection.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' }),
      connection.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] }),
    ])
    result.paymentToken = { address: token, symbol, decimals, raw: raw.toString(), formatted: formatUnits(raw, decimals) }
  }
  return result
}
