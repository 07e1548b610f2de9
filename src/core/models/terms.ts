import { parseUnits } from 'viem'
import { TermsInvalidError } from './errors.js'

/** What the creator chooses for a new model, in user units (percent, token amounts). */
export type ModelTerms = {
  /** Number of shares (whole units; shares have no decimals). */
  supply: bigint
  /** ERC-2981 royalty on secondary sales, percent (0–25). */
  royaltyPercent: number
  /** Shareholders' cut of every paid request, percent (0–100). */
  feeSharePercent: number
  /** Price per request in payment-token units, as a decimal string ("0.002"). */
  pricePerRequest: string
}

export type ModelTermsOnChain = { supply: bigint; royaltyBps: bigint; feeShareBps: number; pricePerRequest: bigint; paymentTokenSymbol: string; paymentTokenDecimals: number }

export const DEFAULT_TERMS: ModelTerms = { supply: 1_000_000n, royaltyPercent: 5, feeSharePercent: 70, pricePerRequest: '0.001' }

/**
 * Terms as typed on a command line ("1000000", "5", "70", "0.001") into ModelTerms.
 * @throws {TermsInvalidError} a supply that is not a whole number, a percent that is not a number.
 */
export function parseModelTerms(text: { supply: string; royalty: string; feeShare: string; price: string }): ModelTerms {
  if (!/^\d+$/.test(text.supply.trim())) throw new TermsInvalidError(`--supply must be a whole number, got "${text.supply}".`)
  const percent = (value: string, flag: string) => {
    const number = Number(value)
    if (value.trim() === '' || !Number.isFinite(number)) throw new TermsInvalidError(`${flag} must be a number (percent), got "${value}".`)
    return number
  }
  return { supply: BigInt(text.supply.trim()), royaltyPercent: percent(text.royalty, '--royalty'), feeSharePercent: percent(text.feeShare, '--fee-share'), pricePerRequest: text.price }
}

const percentToBps = (percent: number, max: number, what: string): number => {
  const bps = Math.round(percent * 100)
  if (!Number.isFinite(percent) || bps < 0 || bps > max) throw new TermsInvalidError(`${what} must be between 0 and ${max / 100}%, got ${percent}.`)
  return bps
}

/**
 * Converts user terms to contract units for a payment token, checking ranges.
 * @throws {TermsInvalidError}
 */
export function termsInTokenUnits(terms: ModelTerms, token: { symbol: string; decimals: number }): ModelTermsOnChain {
  if (terms.supply <= 0n) throw new TermsInvalidError('The share supply must be at least 1.')
  let price: bigint
  try {
    price = parseUnits(terms.pricePerRequest, token.decimals)
  } catch {
    throw new TermsInvalidError(`--price "${terms.pricePerRequest}" is not an amount of ${token.symbol}.`)
  }
  if (price < 0n) throw new TermsInvalidError('The price cannot be negative.')
  return {
    supply: terms.supply,
    royaltyBps: BigInt(percentToBps(terms.royaltyPercent, 2_500, 'The royalty')),
    feeShareBps: percentToBps(terms.feeSharePercent, 10_000, 'The fee share'),
    pricePerRequest: price,
    paymentTokenSymbol: token.symbol,
    paymentTokenDecimals: token.decimals,
  }
}
