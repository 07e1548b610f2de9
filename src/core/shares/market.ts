import { erc20Abi, formatUnits, parseUnits, type Address } from 'viem'
import type { ChainConnection } from '../chain/rpc/connection.js'
import { compareAmounts, type IndexedOffering } from '../index/queries.js'
import { AmountInvalidError } from '../units/errors.js'
import { NotEnoughOnOfferError, ShareAmountInvalidError } from './errors.js'

/** An ERC-20 as amounts are shown in it. */
export type TokenInfo = { address: Address; symbol: string; decimals: number }

/** Reads an ERC-20's symbol and decimals. */
export async function readToken(connection: ChainConnection, address: Address): Promise<TokenInfo> {
  const token = { address, abi: erc20Abi } as const
  const [symbol, decimals] = await Promise.all([
    connection.publicClient.readContract({ ...token, functionName: 'symbol' }),
    connection.publicClient.readContract({ ...token, functionName: 'decimals' }),
  ])
  return { address, symbol, decimals }
}

/** "12.5 tUSD" from base units. */
export function formatToken(amount: bigint | string, token: Pick<TokenInfo, 'symbol' | 'decimals'>): string {
  return `${formatUnits(BigInt(amount), token.decimals)} ${token.symbol}`
}

/** A whole, positive number of shares. @throws {ShareAmountInvalidError} */
export function parseShareAmount(text: string | number | bigint, what = '--amount'): bigint {
  const value = String(text).trim()
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) throw new ShareAmountInvalidError(what, value)
  return BigInt(value)
}

/** A positive price in token units ("1.25") as base units. @throws {AmountInvalidError} */
export function parseTokenAmount(text: string, decimals: number, what: string, options: { allowZero?: boolean } = {}): bigint {
  let value: bigint
  try {
    if (!/^\d*\.?\d+$|^\d+\.$/.test(text.trim())) throw new Error('not a decimal')
    value = parseUnits(text.trim(), decimals)
  } catch {
    throw new AmountInvalidError(what, text)
  }
  if (value < 0n || (value === 0n && !options.allowZero)) throw new AmountInvalidError(what, text)
  // More decimals than the token has would be silently rounded by parseUnits: refuse instead.
  const fraction = text.trim().split('.')[1] ?? ''
  if (fraction.replace(/0+$/, '').length > decimals) throw new AmountInvalidError(what, text)
  return value
}

/** One buy from one offer. */
export type Fill = { offeringId: number; seller: Address; amount: bigint; pricePerShare: bigint; cost: bigint }

/**
 * The cheapest way to buy `amount` shares from open offers: lowest price first, older offer first at equal prices,
 * none above `maxPricePerShare`. Pure: the caller passes only offers it may buy from.
 * @throws {NotEnoughOnOfferError} fewer shares are on offer (under the limit) than asked for.
 */
export function planFill(offers: readonly IndexedOffering[], amount: bigint, modelId: number, limit?: { maxPricePerShare: bigint; shown: string }): Fill[] {
  const candidates = offers
    .filter((offer) => offer.state === 'open' && (!limit || BigInt(offer.pricePerShare) <= limit.maxPricePerShare))
    .sort((a, b) => compareAmounts(a.pricePerShare, b.pricePerShare) || a.id - b.id)
  const fills: Fill[] = []
  let left = amount
  for (const offer of candidates) {
    if (left === 0n) break
    const remaining = BigInt(offer.remaining)
    const take = remaining < left ? remaining : left
    const price = BigInt(offer.pricePerShare)
    fills.push({ offeringId: offer.id, seller: offer.seller, amount: take, pricePerShare: price, cost: take * price })
    left -= take
  }
  if (left > 0n) throw new NotEnoughOnOfferError({ modelId, requested: amount, available: amount - left, maxPrice: limit?.shown })
  return fills
}
