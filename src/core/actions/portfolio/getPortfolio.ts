import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { accountModelIds, bestAsks, indexedModels, indexedOfferings } from '../../index/queries.js'
import { readToken, type TokenInfo } from '../../shares/market.js'
import { syncedIndex } from '../index/syncIndex.js'
import { nameFromLocalRepo } from '../models/modelNames.js'

export type GetPortfolioParams = { signal?: AbortSignal | undefined }

export type PortfolioEntry = {
  modelId: number
  name: string | undefined
  manifestCid: string
  /** In the wallet (read from the contract now). */
  balance: string
  /** In the account's open offers (still its own: it earns their fees). */
  onOffer: string
  supply: string
  /** (balance + onOffer) / supply, in basis points. */
  shareOfSupplyBps: number
  /** Fees the account can claim now from the model's pool. */
  claimable: string
  /** Fees the account has claimed so far. */
  claimed: string
  /** Fees earned by its shares on offer, credited when the offer next changes (or by `settleFees`). */
  pendingOnOffer: string
  votes: string
  delegate: Address
  /** Lowest price a share of this model is on offer for now (payment token), if any. */
  bestAsk: string | undefined
  /** (balance + onOffer) × bestAsk. */
  value: string | undefined
}

export type GetPortfolioReturnType = {
  account: Address
  models: PortfolioEntry[]
  paymentToken: TokenInfo
  totals: { claimable: string; claimed: string; value: string; pendingOnOffer: string; sellerFees: string }
  block: number
}
/** NO_ACCOUNT, chain and index errors. */
export type GetPortfolioErrorType = ModeldaoError

/**
 * Every model the account holds (or has on offer, or once claimed from): shares, % of supply, claimable and claimed
 * fees, voting power and delegate, and the value at the best ask. Balances and fees are read from the contracts now;
 * which models to read comes from the index.
 * @example const { models, totals } = await getPortfolio(md)
 */
export async function getPortfolio(ctx: ModeldaoContext, params: GetPortfolioParams = {}): Promise<GetPortfolioReturnType> {
  const [connection, shares, market, deployments, account, { index, sync }] = await Promise.all([
    ctx.chain(),
    ctx.contract('ModelShares'),
    ctx.contract('ShareOffering'),
    ctx.deployments(),
    ctx.address(),
    syncedIndex(ctx, params),
  ])
  const paymentToken = await readToken(connection, deployments.paymentToken)
  const ids = accountModelIds(index, account)
  const indexed = indexedModels(index, ids)
  await nameFromLocalRepo(ctx, index, indexed)
  const models = new Map(indexed.map((model) => [model.id, model]))
  const myOffers = indexedOfferings(index, { seller: account, live: true }, sync.headTime)
  const asks = bestAsks(index, sync.headTime, paymentToken.address)

  const client = connection.publicClient
  const at = { address: shares.address, abi: shares.abi } as const
  // What settling each open offer would credit its seller now: a simulation, nothing is sent.
  const pending = await Promise.all(
    myOffers.map(async (offer) => {
      const { result } = await client.simulateContract({ address: market.address, abi: market.abi, functionName: 'settleFees', args: [BigInt(offer.id)], account })
      return { modelId: offer.modelId, remaining: BigInt(offer.remaining), pending: result }
    }),
  )
  const [rows, sellerFees] = await Promise.all([
    Promise.all(
      ids.map(async (id) => {
        const model = BigInt(id)
        const [balance, claimable, claimed, votes, delegate] = await Promise.all([
          client.readContract({ ...at, functionName: 'balanceOf', args: [account, model] }),
          client.readContract({ ...at, functionName: 'claimable', args: [model, account] }),
          client.readContract({ ...at, functionName: 'claimed', args: [model, account] }),
          client.readContract({ ...at, functionName: 'getVotes', args: [model, account] }),
          client.readContract({ ...at, functionName: 'delegates', args: [model, account] }),
        ])
        return { id, balance, claimable, claimed, votes, delegate }
      }),
    ),
    client.readContract({ address: market.address, abi: market.abi, functionName: 'sellerFees', args: [account] }),
  ])

  const totals = { claimable: 0n, claimed: 0n, value: 0n, pendingOnOffer: 0n }
  const entries: PortfolioEntry[] = rows.map((row) => {
    const model = models.get(row.id)!
    const mine = pending.filter((p) => p.modelId === row.id)
    const onOffer = mine.reduce((sum, p) => sum + p.remaining, 0n)
    const pendingOnOffer = mine.reduce((sum, p) => sum + p.pending, 0n)
    const held = row.balance + onOffer
    const ask = asks.get(row.id)?.price
    const value = ask === undefined ? undefined : held * ask
    totals.claimable += row.claimable
    totals.claimed += row.claimed
    totals.pendingOnOffer += pendingOnOffer
    totals.value += value ?? 0n
    return {
      modelId: row.id,
      name: model.name,
      manifestCid: model.manifestCid,
      balance: row.balance.toString(),
      onOffer: onOffer.toString(),
      supply: model.supply,
      shareOfSupplyBps: Number((held * 10_000n) / BigInt(model.supply)),
      claimable: row.claimable.toString(),
      claimed: row.claimed.toString(),
      pendingOnOffer: pendingOnOffer.toString(),
      votes: row.votes.toString(),
      delegate: row.delegate,
      bestAsk: ask?.toString(),
      value: value?.toString(),
    }
  })
  return {
    account,
    models: entries,
    paymentToken,
    totals: {
      claimable: totals.claimable.toString(),
      claimed: totals.claimed.toString(),
      value: totals.value.toString(),
      pendingOnOffer: totals.pendingOnOffer.toString(),
      sellerFees: sellerFees.toString(),
    },
    block: sync.toBlock,
  }
}
