import { erc20Abi, formatEther, formatUnits, getAddress, isAddress, type Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { NoAccountError } from '../../wallet/errors.js'
import { keystoreAddress } from '../../wallet/store.js'
import { readDeployments } from '../../chain/protocol/deployments.js'

export type GetBalancesParams = {
  /** A keystore name or an address; default: the context's `account`. */
  who?: string | undefined
}
export type GetBalancesReturnType = {
  address: Address
  chainId: number
  native: { symbol: string; raw: string; formatted: string }
  paymentToken?: { address: Address; symbol: string; decimals: number; raw: string; formatted: string } | undefined
}
/** NO_ACCOUNT, KEYSTORE_NOT_FOUND, KEYSTORE_NAME_INVALID, RPC_UNREACHABLE, LOCAL_CHAIN_NOT_RUNNING. */
export type GetBalancesErrorType = ModeldaoError

/**
 * Native balance of a keystore or address, plus the protocol's payment-token balance where it is deployed.
 * @example const { native, paymentToken } = await getBalances(md, { who: 'alice' })
 */
export async function getBalances(ctx: ModeldaoContext, params: GetBalancesParams = {}): Promise<GetBalancesReturnType> {
  const who = params.who ?? ctx.options.account
  if (!who) throw new NoAccountError('Name a keystore or address: `wallet balance <name|address>`.')
  const address = isAddress(who) ? getAddress(who) : (await keystoreAddress(ctx.home.keystores, who)).address!
  const connection = await ctx.chain()
  const native = await connection.publicClient.getBalance({ address })
  const result: GetBalancesReturnType = {
    address,
    chainId: connection.chainId,
    native: { symbol: connection.chain.nativeCurrency.symbol, raw: native.toString(), formatted: formatEther(native) },
  }
  const deployments = await readDeployments(ctx.home.deployments, connection.chainId).catch(() => undefined)
  if (deployments) {
    const token = deployments.paymentToken
    const read = connection.publicClient
    const [symbol, decimals, raw] = await Promise.all([
      read.readContract({ address: token, abi: erc20Abi, functionName: 'symbol' }),
      read.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' }),
      read.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] }),
    ])
    result.paymentToken = { address: token, symbol, decimals, raw: raw.toString(), formatted: formatUnits(raw, decimals) }
  }
  return result
}
