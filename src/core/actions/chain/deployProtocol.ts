import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { LOCAL_CHAIN_IDS } from '../../chain/local/devAccounts.js'
import { PaymentTokenRequiredError } from '../../chain/errors.js'
import { deployContracts, type DeployProgress } from '../../chain/protocol/deploy.js'
import type { Deployments } from '../../chain/protocol/deployments.js'

export type DeployProtocolParams = {
  /** Existing ERC-20 to use for payments. Without it, the test stablecoin is deployed (development chains). */
  paymentToken?: Address | undefined
  /** Replace an existing deployment (the old file is kept as `<chainId>.json.bak`). */
  force?: boolean | undefined
  onProgress?: ((event: DeployProgress) => void) | undefined
}
export type DeployProtocolReturnType = { deployments: Deployments; file: string; warnings: string[] }
/** PAYMENT_TOKEN_REQUIRED, ALREADY_DEPLOYED, RPC_UNREACHABLE, INSUFFICIENT_FUNDS, signer errors (NO_ACCOUNT, KEYSTORE_*), REVERT_*. */
export type DeployProtocolErrorType = ModeldaoError


/**
 * Deploys every protocol contract with the context's signer and records their addresses for the chain.
 * @example const { deployments } = await deployProtocol(md, { paymentToken: '0x…' })
 */
export async function deployProtocol(ctx: ModeldaoContext, params: DeployProtocolParams = {}): Promise<DeployProtocolReturnType> {
  const connection = await ctx.chain()
  // The test stablecoin has an open faucet: never the payment token of a real chain.
  if (params.paymentToken === undefined && !LOCAL_CHAIN_IDS.has(connection.chainId)) throw new PaymentTokenRequiredError(connection.chainId)
  const account = await ctx.signer()
  const warnings: string[] = []
  const result = await deployContracts({ connection, account, deploymentsFolder: ctx.home.deployments, ...params })
  return { ...result, warnings }
}
