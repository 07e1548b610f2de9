import { erc20Abi, parseUnits, type Address, type Hash } from 'viem'
import type { ModeldaoContext } from '../context/context.js'
import { TransactionFailedError } from '../chain/errors.js'
import { writeProtocol, type TransactionProgress } from '../chain/protocol/write.js'
import { ModelUnknownError, TermsInvalidError } from './errors.js'

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

/** Converts user terms to contract units, checking ranges. @throws {TermsInvalidError} */
export async function termsOnChain(ctx: ModeldaoContext, terms: ModelTerms): Promise<ModelTermsOnChain> {
  if (terms.supply <= 0n) throw new TermsInvalidError('The share supply must be at least 1.')
  const [connection, deployments] = await Promise.all([ctx.chain(), ctx.deployments()])
  const token = { address: deployments.paymentToken, abi: erc20Abi } as const
  const [symbol, decimals] = await Promise.all([
    connection.publicClient.readContract({ ...token, functionName: 'symbol' }),
    connection.publicClient.readContract({ ...token, functionName: 'decimals' }),
  ])
  let price: bigint
  try {
    price = parseUnits(terms.pricePerRequest, decimals)
  } catch {
    throw new TermsInvalidError(`--price "${terms.pricePerRequest}" is not an amount of ${symbol}.`)
  }
  if (price < 0n) throw new TermsInvalidError('The price cannot be negative.')
  return {
    supply: terms.supply,
    royaltyBps: BigInt(percentToBps(terms.royaltyPercent, 2_500, 'The royalty')),
    feeShareBps: percentToBps(terms.feeSharePercent, 10_000, 'The fee share'),
    pricePerRequest: price,
    paymentTokenSymbol: symbol,
    paymentTokenDecimals: decimals,
  }
}

export type RegisterModelResult = { modelId: string; manifestCid: string; transactionHash: Hash; creator: Address; blockNumber: string }

/**
 * Registers a published manifest on chain: `ModelShares.createModel` mints the whole supply to the signer.
 * @throws {ContractRevertError} a decoded custom error, before anything is sent.
 */
export async function registerModel(
  ctx: ModeldaoContext,
  params: { manifestCid: string; terms: ModelTermsOnChain; onProgress?: ((event: TransactionProgress) => void) | undefined },
): Promise<RegisterModelResult> {
  const { terms } = params
  const { hash, receipt, events } = await writeProtocol(ctx, {
    contract: 'ModelShares',
    functionName: 'createModel',
    args: [params.manifestCid, terms.supply, terms.royaltyBps, terms.feeShareBps, terms.pricePerRequest],
    onProgress: params.onProgress,
  })
  const created = events.find((event) => event.eventName === 'ModelCreated')
  if (!created || created.eventName !== 'ModelCreated') throw new TransactionFailedError(`createModel succeeded but emitted no ModelCreated event (transaction ${hash}).`)
  return { modelId: created.args.id.toString(), manifestCid: params.manifestCid, transactionHash: hash, creator: created.args.creator, blockNumber: receipt.blockNumber.toString() }
}

/** The manifest CID a model id points to on chain. @throws {ModelUnknownError} */
export async function manifestCidOf(ctx: ModeldaoContext, modelId: bigint): Promise<string> {
  const [connection, shares] = await Promise.all([ctx.chain(), ctx.contract('ModelShares')])
  try {
    return await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'manifestCid', args: [modelId] })
  } catch (error) {
    throw new ModelUnknownError(modelId, connection.chainId, error)
  }
}
