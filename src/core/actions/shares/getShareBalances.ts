import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { accountModelIds, indexedModels, indexedOfferings } from '../../index/queries.js'
import { syncedIndex } from '../index/syncIndex.js'
import { nameFromLocalRepo } from '../models/modelNames.js'
import { requireModel } from './requireModel.js'

export type GetShareBalancesParams = { modelId?: number | string | undefined }
export type ShareBalance = {
  modelId: number
  name: string | undefined
  /** In the account's wallet (read from the contract now). */
  balance: string
  /** Escrowed in the account's open offers. */
  onOffer: string
  supply: string
}
export type GetShareBalancesReturnType = { account: Address; balances: ShareBalance[] }
/** NO_ACCOUNT, MODEL_UNKNOWN, chain and index errors. */
export type GetShareBalancesErrorType = ModeldaoError

/**
 * The account's shares per model: in its wallet (read from the contract) and on offer (from the index).
 * @example const { balances } = await getShareBalances(md, { modelId: 1 })
 */
export async function getShareBalances(ctx: ModeldaoContext, params: GetShareBalancesParams = {}): Promise<GetShareBalancesReturnType> {
  const [connection, shares, account, { index, sync }] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.address(), syncedIndex(ctx)])
  const ids = params.modelId === undefined ? accountModelIds(index, account) : [await requireModel(ctx, params.modelId)]
  const indexed = indexedModels(index, ids)
  await nameFromLocalRepo(ctx, index, indexed)
  const models = new Map(indexed.map((model) => [model.id, model]))
  const onOffer = new Map<number, bigint>()
  for (const offer of indexedOfferings(index, { seller: account, live: true }, sync.headTime)) onOffer.set(offer.modelId, (onOffer.get(offer.modelId) ?? 0n) + BigInt(offer.remaining))
  const held = await Promise.all(ids.map((id) => connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'balanceOf', args: [account, BigInt(id)] })))
  return {
    account,
    balances: ids.map((id, i) => ({
      modelId: id,
      name: models.get(id)?.name,
      balance: held[i]!.toString(),
      onOffer: (onOffer.get(id) ?? 0n).toString(),
      supply: models.get(id)?.supply ?? '0',
    })),
  }
}
