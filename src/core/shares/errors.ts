import { ModeldaoError } from '../errors/base.js'

export class ShareAmountInvalidError extends ModeldaoError {
  override name = 'ShareAmountInvalidError'
  constructor(what: string, value: string) {
    super('SHARE_AMOUNT_INVALID', `${what} "${value}" is not a number of shares.`, { hints: ['Shares are whole: use a positive integer such as 1 or 250.'] })
  }
}

export class OfferUnknownError extends ModeldaoError {
  override name = 'OfferUnknownError'
  constructor(offeringId: number | string, chainId: number) {
    super('OFFER_UNKNOWN', `There is no offer ${offeringId} on chain ${chainId}.`, { hints: ['List the offers with `modeldao shares offers` (add --all to see closed ones).'] })
  }
}

export class OfferNotOpenError extends ModeldaoError {
  override name = 'OfferNotOpenError'
  constructor(offeringId: number, state: string, detail?: string) {
    const why: Record<string, string> = {
      upcoming: `it opens at ${detail ?? 'its start time'}`,
      ended: 'its window has ended',
      'sold-out': 'it is sold out',
      cancelled: 'its seller cancelled it',
      withdrawn: 'it ended and its unsold shares went back to the seller',
    }
    super('OFFER_NOT_OPEN', `Offer ${offeringId} cannot be bought from: ${why[state] ?? state}.`, {
      hints: ['Leave out --offer to buy from the cheapest open offers, or list them with `modeldao shares offers --model <id>`.'],
    })
  }
}

export class NotOfferSellerError extends ModeldaoError {
  override name = 'NotOfferSellerError'
  constructor(offeringId: number, seller: string, account: string) {
    super('NOT_OFFER_SELLER', `Offer ${offeringId} belongs to ${seller}, not to ${account}.`, { hints: ['Only its seller can cancel an offer: sign with that account (--account).'] })
  }
}

export class SharesInsufficientError extends ModeldaoError {
  override name = 'SharesInsufficientError'
  constructor(params: { modelId: number; account: string; requested: bigint; held: bigint }) {
    super('SHARES_INSUFFICIENT', `${params.account} holds ${params.held} shares of model ${params.modelId}, fewer than the ${params.requested} asked for.`, {
      hints: ['Check the balance with `modeldao shares balance --model <id>`; shares already on offer are held by the market until you cancel the offer.'],
    })
  }
}

export class NotEnoughOnOfferError extends ModeldaoError {
  override name = 'NotEnoughOnOfferError'
  constructor(params: { modelId: number; requested: bigint; available: bigint; maxPrice?: string | undefined }) {
    const limit = params.maxPrice ? ` at or below ${params.maxPrice} a share` : ''
    super('NOT_ENOUGH_ON_OFFER', `Only ${params.available} shares of model ${params.modelId} are on offer${limit}; ${params.requested} were asked for.`, {
      hints: params.maxPrice
        ? ['Buy fewer (--amount), raise --max-price, or wait for new offers.', 'See every offer with `modeldao shares offers --model <id>`.']
        : ['Buy fewer (--amount), or wait for new offers: `modeldao shares offers --model <id>`.'],
    })
  }
}

export class PriceAboveMaxError extends ModeldaoError {
  override name = 'PriceAboveMaxError'
  constructor(params: { offeringId: number; price: string; maxPrice: string }) {
    super('PRICE_ABOVE_MAX', `Offer ${params.offeringId} asks ${params.price} a share, above --max-price ${params.maxPrice}.`, {
      hints: ['Raise --max-price, or leave out --offer to fill from the cheapest offers.'],
    })
  }
}

export class TokenBalanceInsufficientError extends ModeldaoError {
  override name = 'TokenBalanceInsufficientError'
  constructor(params: { account: string; symbol: string; needed: string; held: string; local: boolean }) {
    super('TOKEN_BALANCE_INSUFFICIENT', `${params.account} has ${params.held} ${params.symbol}; ${params.needed} ${params.symbol} are needed.`, {
      hints: params.local ? ['On the local chain, mint test tokens with `modeldao token faucet`.'] : [`Fund the account with ${params.symbol} first.`],
    })
  }
}

export class NothingToClaimError extends ModeldaoError {
  override name = 'NothingToClaimError'
  constructor(account: string, what: string) {
    super('NOTHING_TO_CLAIM', `${account} has no fees to claim ${what}.`, { hints: ['See what each model has earned for you with `modeldao portfolio`.'] })
  }
}
