import { erc20Abi, type Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { parseAddress } from '../../units/address.js'

export type GetTokenBalanceParams = { token?: string | undefined }
export type GetTokenBalanceReturnType = {
  account: Address
  token: TokenInfo
  balance: string
  /** What the share market may pull from the account (buying shares). */
  allowanceToMarket: string
}
/** NO_ACCOUNT, chain errors. */
export type GetTokenBalanceErrorType = ModeldaoError

/**
 * The account's balance of the payment token (or another ERC-20), and its allowance to the share market.
 * @example const { balance, token } = await getTokenBalance(md)
 */
export async function getTokenBalance(ctx: ModeldaoContext, params: GetTokenBalanceParams = {}): Promise<GetTokenBalanceReturnType> {
  const [connection, deployments, market, account] = await Promise.all([ctx.chain(), ctx.deployments(), ctx.contract('ShareOffering'), ctx.address()])
  const token = await readToken(connection, params.token === undefined ? deployments.paymentToken : parseAddress(params.token, '--token'))
  const at = { address: token.address, abi: erc20Abi } as const
  const [balance, allowance] = await Promise.all([
    connection.publicClient.readContract({ ...at, functionName: 'balanceOf', args: [account] }),
    connection.publicClient.readContract({ ...at, functionName: 'allowance', args: [account, market.address] }),
  ])
  return { account, token, balance: balance.toString(), allowanceToMarket: allowance.toString() }
}
