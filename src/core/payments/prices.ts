/** A node's price list, in payment-token base units (as registered in NodeRegistry). */
export type PriceList = { perRequest: bigint; perOutputToken: bigint }

/** The most a request of up to `maxTokens` output tokens can cost: what its voucher must cover. */
export const priceCeiling = (prices: PriceList, maxTokens: number): bigint => prices.perRequest + prices.perOutputToken * BigInt(maxTokens)

/** What a request that produced `outputTokens` costs. */
export const priceOf = (prices: PriceList, outputTokens: number): bigint => prices.perRequest + prices.perOutputToken * BigInt(outputTokens)

/** The holders' part of a payment moving a cumulative total from `before` to `after` (as the contracts compute it). */
export const holdersShare = (before: bigint, after: bigint, feeShareBps: number): bigint =>
  (after * BigInt(feeShareBps)) / 10_000n - (before * BigInt(feeShareBps)) / 10_000n
