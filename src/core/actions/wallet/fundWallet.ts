import { encodeFunctionData, formatEther, getAddress, isAddress, parseUnits, type Address, type Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { NoTestTokenError, NotALocalChainError } from '../../chain/errors.js'
import { devAccount, LOCAL_CHAIN_IDS } from '../../chain/local/devAccounts.js'
import { protocolArtifacts } from '../../chain/protocol/registry.js'
import { sendTransaction, type TransactionProgress } from '../../chain/protocol/write.js'
import { NoAccountError } from '../../wallet/errors.js'
import { keystoreAddress } from '../../wallet/store.js'
import { AmountInvalidError } from '../../units/errors.js'

export type FundWalletParams = {
  /** A keystore name or an address; default: the context's `account`. */
  who?: string | undefined
  /** Native currency to send, in ether ("10"); "0" for none. Default 10. */
  eth?: string | undefined
  /** Test stablecoin to mint, in token units ("1000"); "0" for none. Default 1000. */
  tokens?: string | undefined
  /** How the caller's flags name the amounts, for error messages (default --eth and --tokens). */
  flagNames?: { eth?: string | undefined; tokens?: string | undefined } | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type FundWalletReturnType = { address: Address; chainId: number; eth?: { amount: string; hash: Hash }; tokens?: { amount: string; symbol: string; hash: Hash } }
/** NOT_A_LOCAL_CHAIN, NO_TEST_TOKEN, NO_ACCOUNT, KEYSTORE_NOT_FOUND, AMOUNT_INVALID, REVERT_TEST_USD_FAUCET_LIMIT_EXCEEDED. */
export type FundWalletErrorType = ModeldaoError

/** The faucet hands out at most this much per call (TestUSD.FAUCET_LIMIT, 6 decimals). */
const FAUCET_LIMIT = 10_000_000_000n

const amount = (text: string, decimals: number, what: string): bigint => {
  let value: bigint
  try {
    value = parseUnits(text, decimals)
  } catch {
    throw new AmountInvalidError(what, text)
  }
  if (value < 0n) throw new AmountInvalidError(what, text)
  return value
}

/**
 * Funds an account on a local chain: native currency from dev account 0 and test stablecoin from its faucet, so a
 * fresh keystore can pay gas and requests.
 * @example await fundWallet(md, { who: 'alice', eth: '5', tokens: '250' })
 */
export async function fundWallet(ctx: ModeldaoContext, params: FundWalletParams = {}): Promise<FundWalletReturnType> {
  const who = params.who ?? ctx.options.account
  if (!who) throw new NoAccountError('Name the keystore or address to fund: `wallet fund <name|address>`.')
  const address = isAddress(who) ? getAddress(who) : (await keystoreAddress(ctx.home.keystores, who)).address!
  const connection = await ctx.chain()
  if (!LOCAL_CHAIN_IDS.has(connection.chainId)) throw new NotALocalChainError('Funding from dev accounts', connection.chainId)
  const eth = amount(params.eth ?? '10', 18, params.flagNames?.eth ?? '--eth')
  const tokenUnits = amount(params.tokens ?? '1000', 6, params.flagNames?.tokens ?? '--tokens')
  const funder = devAccount(0, connection.chainId)
  const result: FundWalletReturnType = { address, chainId: connection.chainId }
  if (tokenUnits > 0n) {
    const deployments = await ctx.deployments()
    const testUsd = deployments.contracts.TestUSD
    if (!testUsd || testUsd.address.toLowerCase() !== deployments.paymentToken.toLowerCase()) throw new NoTestTokenError(connection.chainId, deployments.paymentToken)
    let hash: Hash | undefined
    for (let left = tokenUnits; left > 0n; ) {
      const chunk = left < FAUCET_LIMIT ? left : FAUCET_LIMIT
      left -= chunk
      const data = encodeFunctionData({ abi: protocolArtifacts.TestUSD.abi, functionName: 'faucet', args: [address, chunk] })
      hash = (await sendTransaction(connection, funder, { to: testUsd.address, data, call: 'TestUSD.faucet', onProgress: params.onProgress })).hash
    }
    result.tokens = { amount: params.tokens ?? '1000', symbol: 'tUSD', hash: hash! }
  }
  if (eth > 0n) {
    const { hash } = await sendTransaction(connection, funder, { to: address, data: '0x', value: eth, call: 'transfer', onProgress: params.onProgress })
    result.eth = { amount: formatEther(eth), hash }
  }
  return result
}
