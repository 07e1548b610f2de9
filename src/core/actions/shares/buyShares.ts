import type { Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { CancelledError, ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { writeProtocol } from '../chain/writeProtocol.js'
import { quoteBuy, type QuoteBuyParams, type QuoteBuyReturnType, type QuotedFill } from './quoteBuy.js'

export type BuySharesParams = QuoteBuyParams & {
  /** Shown the quote before anything is sent; answer false to stop (CANCELLED). Default: buy without asking. */
  confirm?: ((quote: QuoteBuyReturnType) => Promise<boolean>) | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type BoughtFill = QuotedFill & { transactionHash: Hash }
export type BuySharesReturnType = QuoteBuyReturnType & {
  bought: BoughtFill[]
  /** The payment-token approval sent first, when the allowance was short. */
  approvalHash?: Hash | undefined
}
/** QuoteBuy's errors, CANCELLED, TOKEN_BALANCE_INSUFFICIENT, INSUFFICIENT_FUNDS, REVERT_SHARE_OFFERING_* (an offer changed meanwhile). */
export type BuySharesErrorType = ModeldaoError

/**
 * Buys shares: quotes (cheapest offers first), asks `confirm`, approves exactly the total cost if the allowance is
 * short, then buys from each offer with its exact cost as the limit, so a price can never move against the buyer.
 * @example const { bought } = await buyShares(md, { modelId: 1, amount: 50, maxPrice: '3' })
 */
export async function buyShares(ctx: ModeldaoContext, params: BuySharesParams): Promise<BuySharesReturnType> {
  const quote = await quoteBuy(ctx, params)
  if (params.confirm && !(await params.confirm(quote))) throw new CancelledError()
  const [connection, market, account] = await Promise.all([ctx.chain(), ctx.contract('ShareOffering'), ctx.signer()])
  const approvalHash = await ensureAllowance(connection, account, { token: quote.paymentToken, spender: market.address, amount: BigInt(quote.totalCost), onProgress: params.onProgress })
  const bought: BoughtFill[] = []
  for (const fill of quote.fills) {
    try {
      const { hash } = await writeProtocol(ctx, {
        contract: 'ShareOffering',
        functionName: 'buy',
        args: [BigInt(fill.offeringId), BigInt(fill.amount), BigInt(fill.cost)],
        onProgress: params.onProgress,
      })
      bought.push({ ...fill, transactionHash: hash })
    } catch (error) {
      if (!bought.length || !(error instanceof ModeldaoError)) throw error
      // Some offers were bought before another changed: say what was bought, not only what failed.
      const done = bought.map((b) => `offer ${b.offeringId}: ${b.amount} shares (transaction ${b.transactionHash})`).join('; ')
      throw new ModeldaoError(error.code, `${error.shortMessage} Bought before it: ${done}.`, { details: error.details, hints: [...error.hints, 'Run `modeldao shares buy` again for the rest.'], cause: error })
    }
  }
  return { ...quote, bought, approvalHash }
}
