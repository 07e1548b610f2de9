import { decodeEventLog, erc20Abi, parseUnits, type Account, type Address, type Hash } from 'viem'
import type { ChainConnection } from '../chain/clients.js'
import { walletClientFor } from '../chain/clients.js'
import type { Deployments } from '../chain/deployments.js'
import { modelSharesAbi } from '../chain/generated/contracts.js'
import { ExitCode, ModeldaoError } from '../errors/base.js'

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

const percentToBps = (percent: number, max: number, what: string): number => {
  const bps = Math.round(percent * 100)
  if (!Number.isFinite(percent) || bps < 0 || bps > max) {
    throw new ModeldaoError('TERMS_INVALID', `${what} must be between 0 and ${max / 100}%, got ${percent}.`, { exitCode: ExitCode.usage })
  }
  return bps
}

/** Converts user terms to contract units, checking ranges. @throws {ModeldaoError} TERMS_INVALID */
export async function termsOnChain(connection: ChainConnection, deployments: Deployments, terms: ModelTerms): Promise<ModelTermsOnChain> {
  if (terms.supply <= 0n) throw new ModeldaoError('TERMS_INVALID', 'The share supply must be at least 1.', { exitCode: ExitCode.usage })
  const [symbol, decimals] = await Promise.all([
    connection.publicClient.readContract({ address: deployments.paymentToken, abi: erc20Abi, functionName: 'symbol' }),
    connection.publicClient.readContract({ address: deployments.paymentToken, abi: erc20Abi, functionName: 'decimals' }),
  ])
  let price: bigint
  try {
    price = parseUnits(terms.pricePerRequest, decimals)
  } catch {
    throw new ModeldaoError('TERMS_INVALID', `--price "${terms.pricePerRequest}" is not an amount of ${symbol}.`, { exitCode: ExitCode.usage })
  }
  if (price < 0n) throw new ModeldaoError('TERMS_INVALID', 'The price cannot be negative.', { exitCode: ExitCode.usage })
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
 * The call is simulated first, so a revert is reported with its reason before anything is sent.
 * @example await registerModel({ connection, deployments, account, manifestCid, terms })
 */
export async function registerModel(params: {
  connection: ChainConnection
  deployments: Deployments
  account: Account
  manifestCid: string
  terms: ModelTermsOnChain
}): Promise<RegisterModelResult> {
  const shares = params.deployments.contracts.ModelShares?.address
  if (!shares) {
    throw new ModeldaoError('NOT_DEPLOYED', `ModelShares is not in the deployments of chain ${params.connection.chainId}.`, {
      hints: ['Redeploy the protocol: `modeldao deploy --force` (or `modeldao chain up --reset` locally).'],
      exitCode: ExitCode.unavailable,
    })
  }
  const args = [params.manifestCid, params.terms.supply, params.terms.royaltyBps, params.terms.feeShareBps, params.terms.pricePerRequest] as const
  const { request } = await params.connection.publicClient.simulateContract({
    address: shares,
    abi: modelSharesAbi,
    functionName: 'createModel',
    args,
    account: params.account,
  })
  const hash = await walletClientFor(params.connection, params.account).writeContract(request)
  const receipt = await params.connection.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new ModeldaoError('TX_REVERTED', `createModel reverted (transaction ${hash}).`, { exitCode: ExitCode.internal })
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== shares.toLowerCase()) continue
    try {
      const event = decodeEventLog({ abi: modelSharesAbi, data: log.data, topics: log.topics })
      if (event.eventName === 'ModelCreated') {
        return { modelId: event.args.id.toString(), manifestCid: params.manifestCid, transactionHash: hash, creator: event.args.creator, blockNumber: receipt.blockNumber.toString() }
      }
    } catch {
      // Another event of the contract.
    }
  }
  throw new ModeldaoError('TX_NO_EVENT', `createModel succeeded but emitted no ModelCreated event (transaction ${hash}).`, { exitCode: ExitCode.internal })
}

/** The manifest CID a model id points to on chain. */
export async function manifestCidOf(connection: ChainConnection, deployments: Deployments, modelId: bigint): Promise<string> {
  const shares = deployments.contracts.ModelShares?.address
  if (!shares) throw new ModeldaoError('NOT_DEPLOYED', `ModelShares is not deployed on chain ${connection.chainId}.`, { exitCode: ExitCode.unavailable })
  try {
    return await connection.publicClient.readContract({ address: shares, abi: modelSharesAbi, functionName: 'manifestCid', args: [modelId] })
  } catch (error) {
    throw new ModeldaoError('MODEL_UNKNOWN', `There is no model ${modelId} on chain ${connection.chainId}.`, { cause: error, exitCode: ExitCode.invalidInput })
  }
}
