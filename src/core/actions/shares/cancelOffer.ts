import type { Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { NotOfferSellerError, OfferNotOpenError, OfferUnknownError } from '../../shares/errors.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { offerById } from '../../index/queries.js'
import { syncedIndex } from '../index/syncIndex.js'

export type CancelOfferParams = { offeringId: number | string; onProgress?: ((event: TransactionProgress) => void) | undefined }
export type CancelOfferReturnType = { offeringId: number; modelId: number; returned: string; transactionHash: Hash }
/** OFFER_UNKNOWN, NOT_OFFER_SELLER, OFFER_NOT_OPEN (already cancelled or withdrawn). */
export type CancelOfferErrorType = ModeldaoError

/**
 * Closes the signer's offer and returns its unsold shares to the signer at once (any time, even before the end).
 * @example const { returned } = await cancelOffer(md, { offeringId: 3 })
 */
export async function cancelOffer(ctx: ModeldaoContext, params: CancelOfferParams): Promise<CancelOfferReturnType> {
  const [account, connection, { index, sync }] = await Promise.all([ctx.signer(), ctx.chain(), syncedIndex(ctx)])
  const offer = offerById(index, params.offeringId, sync.headTime)
  if (!offer) throw new OfferUnknownError(params.offeringId, connection.chainId)
  if (offer.seller.toLowerCase() !== account.address.toLowerCase()) throw new NotOfferSellerError(offer.id, offer.seller, account.address)
  if (offer.state === 'cancelled' || offer.state === 'withdrawn' || offer.state === 'sold-out') throw new OfferNotOpenError(offer.id, offer.state)
  const { hash, events } = await writeProtocol(ctx, { contract: 'ShareOffering', functionName: 'cancel', args: [BigInt(offer.id)], onProgress: params.onProgress })
  const cancelled = events.find((event) => event.eventName === 'OfferingCancelled')
  const returned = cancelled?.eventName === 'OfferingCancelled' ? cancelled.args.returned : 0n
  return { offeringId: offer.id, modelId: offer.modelId, returned: returned.toString(), transactionHash: hash }
}
