import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { indexedOfferings, offerById } from '../../index/queries.js'
import { OfferNotOpenError, OfferUnknownError, PriceAboveMaxError } from '../../shares/errors.js'
import { formatToken, parseShareAmount, parseTokenAmount, planFill, readToken, type TokenInfo } from '../../shares/market.js'
import { syncedIndex } from '../index/syncIndex.js'
import { requireModel } from './requireModel.js'

export type QuoteBuyParams = {
  modelId: number | string
  /** Whole shares to buy. */
  amount: string | number | bigint
  /** Most to pay for one share, in payment-token units ("3"). Offers above it are skipped. */
  maxPrice?: string | undefined
  /** Buy from this offer only (in whatever token it asks). Default: the cheapest open offers in the payment token. */
  offeringId?: number | string | undefined
}

export type QuotedFill = {
  offeringId: number
  seller: Address
  amount: string
  pricePerShare: string
  cost: string
  /** Part of `cost` that goes to the model's royalty receiver (0 when the seller is the receiver). */
  royalty: string
  royaltyReceiver: Address
}

export type QuoteBuyReturnType = {
  modelId: number
  buyer: Address
  amount: string
  fills: QuotedFill[]
  totalCost: string
  totalRoyalty: string
  paymentToken: TokenInfo
  /** The model's supply: `amount / supply` is the part of every future fee payment these shares earn. */
  supply: string
  /** Shareholders' part of every paid request (basis points), shared pro rata by all holders. */
  feeShareBps: number
}
/** SHARE_AMOUNT_INVALID, AMOUNT_INVALID, MODEL_UNKNOWN, OFFER_UNKNOWN, OFFER_NOT_OPEN, NOT_ENOUGH_ON_OFFER, PRICE_ABOVE_MAX. */
export type QuoteBuyErrorType = ModeldaoError

/**
 * What buying `amount` shares would cost now: the fills (cheapest open offers first, never the buyer's own), each
 * with the royalty the model's receiver gets out of it, and the fee share the shares earn. Sends nothing.
 * @example const { totalCost, fills } = await quoteBuy(md, { modelId: 1, amount: 50, maxPrice: '3' })
 */
export async function quoteBuy(ctx: ModeldaoContext, params: QuoteBuyParams): Promise<QuoteBuyReturnType> {
  const amount = parseShareAmount(params.amount)
  const [connection, deployments, shares, buyer] = await Promise.all([ctx.chain(), ctx.deployments(), ctx.contract('ModelShares'), ctx.address()])
  const modelId = await requireModel(ctx, params.modelId)
  const { index, sync } = await syncedIndex(ctx)

  let fills
  let token: TokenInfo
  if (params.offeringId !== undefined) {
    const offer = offerById(index, params.offeringId, sync.headTime)
    if (!offer) throw new OfferUnknownError(params.offeringId, connection.chainId)
    if (offer.modelId !== modelId) throw new OfferNotOpenError(offer.id, `it sells shares of model ${offer.modelId}, not of model ${modelId}`)
    if (offer.state !== 'open') throw new OfferNotOpenError(offer.id, offer.state, new Date(offer.start * 1000).toISOString())
    token = await readToken(connection, offer.paymentToken)
    if (params.maxPrice !== undefined) {
      const max = parseTokenAmount(params.maxPrice, token.decimals, '--max-price')
      if (BigInt(offer.pricePerShare) > max) throw new PriceAboveMaxError({ offeringId: offer.id, price: formatToken(offer.pricePerShare, token), maxPrice: formatToken(max, token) })
    }
    fills = planFill([offer], amount, modelId)
  } else {
    token = await readToken(connection, deployments.paymentToken)
    const max = params.maxPrice === undefined ? undefined : parseTokenAmount(params.maxPrice, token.decimals, '--max-price')
    const offers = indexedOfferings(index, { modelId, live: true }, sync.headTime).filter(
      (offer) => offer.paymentToken.toLowerCase() === token.address.toLowerCase() && offer.seller.toLowerCase() !== buyer.toLowerCase(),
    )
    fills = planFill(offers, amount, modelId, max === undefined ? undefined : { maxPricePerShare: max, shown: formatToken(max, token) })
  }

  const at = { address: shares.address, abi: shares.abi } as const
  const read = connection.publicClient.readContract
  const [supply, feeShareBps, royalties] = await Promise.all([
    read({ ...at, functionName: 'totalSupply', args: [BigInt(modelId)] }),
    read({ ...at, functionName: 'feeShareBps', args: [BigInt(modelId)] }),
    Promise.all(fills.map((fill) => read({ ...at, functionName: 'royaltyInfo', args: [BigInt(modelId), fill.cost] }))),
  ])
  const quoted: QuotedFill[] = fills.map((fill, i) => {
    const [receiver, royalty] = royalties[i]!
    const paid = receiver.toLowerCase() === fill.seller.toLowerCase() ? 0n : royalty
    return { offeringId: fill.offeringId, seller: fill.seller, amount: fill.amount.toString(), pricePerShare: fill.pricePerShare.toString(), cost: fill.cost.toString(), royalty: paid.toString(), royaltyReceiver: receiver }
  })
  return {
    modelId,
    buyer,
    amount: amount.toString(),
    fills: quoted,
    totalCost: fills.reduce((sum, fill) => sum + fill.cost, 0n).toString(),
    totalRoyalty: quoted.reduce((sum, fill) => sum + BigInt(fill.royalty), 0n).toString(),
    paymentToken: token,
    supply: supply.toString(),
    feeShareBps: Number(feeShareBps),
  }
}
