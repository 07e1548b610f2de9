import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { TransactionFailedError } from '../../chain/errors.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { SharesInsufficientError } from '../../shares/errors.js'
import { parseShareAmount, parseTokenAmount, readToken, type TokenInfo } from '../../shares/market.js'
import { parseWindowTime } from '../../shares/window.js'
import { parseAddress } from '../../units/address.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { requireModel } from './requireModel.js'

export type CreateOfferParams = {
  modelId: number | string
  /** Whole shares to sell. */
  amount: string | number | bigint
  /** Price of one share in payment-token units ("2.5"). */
  price: string
  /** ERC-20 the buyer pays in; default the deployment's payment token. */
  paymentToken?: string | undefined
  /** ISO time, "now", or a delay from the chain's now ("1h"); default now. */
  start?: string | undefined
  /** ISO time or a delay from the chain's now ("7d"); default open-ended (cancel at any time). */
  end?: string | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type CreateOfferReturnType = {
  offeringId: number
  modelId: number
  seller: Address
  amount: string
  pricePerShare: string
  paymentToken: TokenInfo
  start: number
  end: number
  transactionHash: Hash
  /** The market was allowed to move the seller's shares in this same call. */
  approvalHash?: Hash | undefined
}
/** SHARE_AMOUNT_INVALID, AMOUNT_INVALID, TIME_INVALID, MODEL_UNKNOWN, SHARES_INSUFFICIENT, REVERT_SHARE_OFFERING_*. */
export type CreateOfferErrorType = ModeldaoError

/**
 * Puts shares on sale at a fixed price: escrows them in the ShareOffering market (approving the market for the
 * seller's shares once, if needed). The creator's first sale and any holder's resale are the same call.
 * @example const { offeringId } = await createOffer(md, { modelId: 1, amount: 100, price: '2.5', end: '7d' })
 */
export async function createOffer(ctx: ModeldaoContext, params: CreateOfferParams): Promise<CreateOfferReturnType> {
  const amount = parseShareAmount(params.amount)
  const [connection, deployments, shares, market, account] = await Promise.all([ctx.chain(), ctx.deployments(), ctx.contract('ModelShares'), ctx.contract('ShareOffering'), ctx.signer()])
  const modelId = await requireModel(ctx, params.modelId)
  const token = await readToken(connection, params.paymentToken === undefined ? deployments.paymentToken : parseAddress(params.paymentToken, '--token'))
  const price = parseTokenAmount(params.price, token.decimals, '--price')
  const head = await connection.publicClient.getBlock()
  const start = params.start ? parseWindowTime(params.start, Number(head.timestamp), '--start') : 0
  const end = params.end ? parseWindowTime(params.end, start || Number(head.timestamp), '--end') : 0

  const at = { address: shares.address, abi: shares.abi } as const
  const [held, approved] = await Promise.all([
    connection.publicClient.readContract({ ...at, functionName: 'balanceOf', args: [account.address, BigInt(modelId)] }),
    connection.publicClient.readContract({ ...at, functionName: 'isApprovedForAll', args: [account.address, market.address] }),
  ])
  if (held < amount) throw new SharesInsufficientError({ modelId, account: account.address, requested: amount, held })
  let approvalHash: Hash | undefined
  if (!approved) {
    approvalHash = (await writeProtocol(ctx, { contract: 'ModelShares', functionName: 'setApprovalForAll', args: [market.address, true], onProgress: params.onProgress })).hash
  }
  const { hash, events } = await writeProtocol(ctx, {
    contract: 'ShareOffering',
    functionName: 'createOffering',
    args: [BigInt(modelId), amount, price, token.address, start, end],
    onProgress: params.onProgress,
  })
  const created = events.find((event) => event.eventName === 'OfferingCreated')
  if (!created || created.eventName !== 'OfferingCreated') throw new TransactionFailedError(`createOffering succeeded but emitted no OfferingCreated event (transaction ${hash}).`)
  return {
    offeringId: Number(created.args.offeringId),
    modelId,
    seller: account.address,
    amount: amount.toString(),
    pricePerShare: price.toString(),
    paymentToken: token,
    start,
    end,
    transactionHash: hash,
    approvalHash,
  }
}
