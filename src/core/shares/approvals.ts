import { encodeFunctionData, erc20Abi, formatUnits, type Account, type Address, type Hash } from 'viem'
import type { ChainConnection } from '../chain/rpc/connection.js'
import { sendTransaction, type TransactionProgress } from '../chain/protocol/write.js'
import { TokenBalanceInsufficientError } from './errors.js'
import type { TokenInfo } from './market.js'
import { LOCAL_CHAIN_IDS } from '../chain/local/devAccounts.js'

/**
 * Makes sure `spender` may pull `amount` of `token` from `account`: checks the balance first (a clear error rather
 * than a revert), then approves exactly what is missing from the allowance, never an unlimited amount.
 * @returns the approval transaction, when one was needed.
 * @throws {TokenBalanceInsufficientError}
 */
export async function ensureAllowance(
  connection: ChainConnection,
  account: Account,
  params: { token: TokenInfo; spender: Address; amount: bigint; onProgress?: ((event: TransactionProgress) => void) | undefined },
): Promise<Hash | undefined> {
  const at = { address: params.token.address, abi: erc20Abi } as const
  const [balance, allowance] = await Promise.all([
    connection.publicClient.readContract({ ...at, functionName: 'balanceOf', args: [account.address] }),
    connection.publicClient.readContract({ ...at, functionName: 'allowance', args: [account.address, params.spender] }),
  ])
  if (balance < params.amount) {
    throw new TokenBalanceInsufficientError({
      account: account.address,
      symbol: params.token.symbol,
      needed: formatUnits(params.amount, params.token.decimals),
      held: formatUnits(balance, params.token.decimals),
      local: LOCAL_CHAIN_IDS.has(connection.chainId),
    })
  }
  if (allowance >= params.amount) return undefined
  const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [params.spender, params.amount] })
  const { hash } = await sendTransaction(connection, account, { to: params.token.address, data, call: `${params.token.symbol}.approve`, onProgress: params.onProgress })
  return hash
}
