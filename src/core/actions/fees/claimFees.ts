import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { accountModelIds } from '../../index/queries.js'
import { NothingToClaimError } from '../../shares/errors.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { syncedIndex } from '../index/syncIndex.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { requireModel } from '../shares/requireModel.js'

export type ClaimFeesParams = {
  /** Models to claim from; default (or `all`) every model the account holds or held. */
  modelIds?: readonly (number | string)[] | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type ClaimFeesReturnType = {
  account: Address
  /** What each model paid out (models with nothing claimable are not sent). */
  claimed: { modelId: number; amount: string }[]
  total: string
  transactionHash?: Hash | undefined
  /** Fees credited to the account as a seller (earned by its shares while on offer), withdrawn too. */
  sellerFees?: { amount: string; transactionHash: Hash } | undefined
  paymentToken: TokenInfo
}
/** MODEL_UNKNOWN, NOTHING_TO_CLAIM, INSUFFICIENT_FUNDS, chain errors. */
export type ClaimFeesErrorType = ModeldaoError

/**
 * Claims the fees the account's shares earned, from many models in one transaction (`claimMany`), and withdraws the
 * fees credited to it as a seller. Only models with something claimable are sent.
 * @example const { total } = await claimFees(md, { modelIds: [1, 2] })
 */
export async function claimFees(ctx: ModeldaoContext, params: ClaimFeesParams = {}): Promise<ClaimFeesReturnType> {
  const [connection, shares, market, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.contract('ShareOffering'), ctx.deployments(), ctx.signer()])
  const named = params.modelIds?.length ? params.modelIds : undefined
  const ids = named ? await Promise.all(named.map((id) => requireModel(ctx, id))) : accountModelIds((await syncedIndex(ctx)).index, account.address)
  const unique = [...new Set(ids)]
  const client = connection.publicClient
  const [claimable, sellerFees, paymentToken] = await Promise.all([
    Promise.all(unique.map((id) => client.readContract({ address: shares.address, abi: shares.abi, functionName: 'claimable', args: [BigInt(id), account.address] }))),
    client.readContract({ address: market.address, abi: market.abi, functionName: 'sellerFees', args: [account.address] }),
    readToken(connection, deployments.paymentToken),
  ])
  const toClaim = unique.filter((_, i) => claimable[i]! > 0n)
  if (!toClaim.length && sellerFees === 0n) throw new NothingToClaimError(account.address, named ? `from model${unique.length > 1 ? 's' : ''} ${unique.join(', ')}` : 'in any model')

  const result: ClaimFeesReturnType = { account: account.address, claimed: [], total: '0', paymentToken }
  if (toClaim.length) {
    const { hash, events } = await writeProtocol(ctx, { contract: 'ModelShares', functionName: 'claimMany', args: [toClaim.map(BigInt)], onProgress: params.onProgress })
    let total = 0n
    for (const event of events) {
      if (event.eventName !== 'FeesClaimed') continue
      result.claimed.push({ modelId: Number(event.args.id), amount: event.args.amount.toString() })
      total += event.args.amount
    }
    result.total = total.toString()
    result.transactionHash = hash
  }
  if (sellerFees > 0n) {
    const { hash, events } = await writeProtocol(ctx, { contract: 'ShareOffering', functionName: 'withdrawFees', args: [], onProgress: params.onProgress })
    const paid = events.find((event) => event.eventName === 'SellerFeesWithdrawn')
    result.sellerFees = { amount: (paid?.eventName === 'SellerFeesWithdrawn' ? paid.args.amount : sellerFees).toString(), transactionHash: hash }
  }
  return result
}
