// The investors' story on a real anvil: a creator offers shares, two investors buy (cheapest offers first), one
// resells with the royalty paid to the creator, fees are paid in, and portfolio / fees claim show and pay exactly the
// expected amounts, before and after transfers.
import { erc20Abi, parseUnits, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeProtocol } from '../../../../src/core/actions/chain/writeProtocol.js'
import { claimFees } from '../../../../src/core/actions/fees/claimFees.js'
import { listModels } from '../../../../src/core/actions/models/listModels.js'
import { getModelMarket } from '../../../../src/core/actions/models/getModelMarket.js'
import { registerModel } from '../../../../src/core/actions/models/registerModel.js'
import { getPortfolio } from '../../../../src/core/actions/portfolio/getPortfolio.js'
import { buyShares } from '../../../../src/core/actions/shares/buyShares.js'
import { cancelOffer } from '../../../../src/core/actions/shares/cancelOffer.js'
import { createOffer } from '../../../../src/core/actions/shares/createOffer.js'
import { getShareBalances } from '../../../../src/core/actions/shares/getShareBalances.js'
import { listOffers } from '../../../../src/core/actions/shares/listOffers.js'
import { quoteBuy } from '../../../../src/core/actions/shares/quoteBuy.js'
import { transferShares } from '../../../../src/core/actions/shares/transferShares.js'
import { mintTestTokens } from '../../../../src/core/actions/token/mintTestTokens.js'
import { devAccount } from '../../../../src/core/chain/local/devAccounts.js'
import type { ModeldaoContext } from '../../../../src/core/context/context.js'
import { ensureAllowance } from '../../../../src/core/shares/approvals.js'
import { readToken } from '../../../../src/core/shares/market.js'
import { devContexts } from '../../../helpers/contexts.js'
import { chainHome, type ChainHome } from '../../../helpers/chainHome.js'

const usd = (text: string) => parseUnits(text, 6)
const MANIFEST = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

describe('share market, portfolio and fee claims (real anvil)', () => {
  let chain: ChainHome
  const { as, disposeAll } = devContexts(() => chain.root)
  let creator: ModeldaoContext, alice: ModeldaoContext, bob: ModeldaoContext, carol: ModeldaoContext, payer: ModeldaoContext
  const address = (i: number): Address => devAccount(i, 31337).address
  let modelId: number

  const tokenBalance = async (md: ModeldaoContext, who: Address) => {
    const [connection, deployments] = await Promise.all([md.chain(), md.deployments()])
    return connection.publicClient.readContract({ address: deployments.paymentToken, abi: erc20Abi, functionName: 'balanceOf', args: [who] })
  }
  const payFees = async (amount: bigint) => {
    const [connection, deployments, shares, account] = await Promise.all([payer.chain(), payer.deployments(), payer.contract('ModelShares'), payer.signer()])
    await ensureAllowance(connection, account, { token: await readToken(connection, deployments.paymentToken), spender: shares.address, amount })
    await writeProtocol(payer, { contract: 'ModelShares', functionName: 'depositFees', args: [BigInt(modelId), amount] })
  }

  beforeAll(async () => {
    chain = await chainHome()
    ;[creator, alice, bob, carol, payer] = [as(0), as(1), as(2), as(3), as(5)]
    for (const md of [alice, bob, carol, payer]) await mintTestTokens(md, { amount: '5000' })
    const registered = await registerModel(creator, {
      manifestCid: MANIFEST,
      terms: { supply: 1000n, royaltyBps: 500n, feeShareBps: 3000, pricePerRequest: usd('0.01'), paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 },
    })
    modelId = Number(registered.modelId)
  })
  afterAll(async () => {
    await disposeAll()
    await chain?.stop()
  })

  it('fills from the cheapest offers first, pays royalties only on resales, and settles fees exactly', async () => {
    const a = await createOffer(creator, { modelId, amount: 600, price: '2' })
    const b = await createOffer(creator, { modelId, amount: 100, price: '3' })
    expect(a.approvalHash).toBeDefined()
    expect(b.approvalHash).toBeUndefined()

    // Alice: 300 from the 2 tUSD offer; the creator is the royalty receiver, so no royalty on a primary sale.
    const aliceBefore = await tokenBalance(alice, address(1))
    const creatorBefore = await tokenBalance(creator, address(0))
    const first = await buyShares(alice, { modelId, amount: 300 })
    expect(first.fills.map((f) => [f.offeringId, f.amount, f.cost, f.royalty])).toEqual([[a.offeringId, '300', usd('600').toString(), '0']])
    expect(await tokenBalance(alice, address(1))).toBe(aliceBefore - usd('600'))
    expect(await tokenBalance(creator, address(0))).toBe(creatorBefore + usd('600'))

    // Bob: 400 under a 3 tUSD limit: the rest of the 2 tUSD offer, then 100 at 3.
    const quote = await quoteBuy(bob, { modelId, amount: 400, maxPrice: '3' })
    expect(quote.fills.map((f) => [f.offeringId, f.amount])).toEqual([
      [a.offeringId, '300'],
      [b.offeringId, '100'],
    ])
    expect(quote.totalCost).toBe(usd('900').toString())
    await expect(quoteBuy(bob, { modelId, amount: 400, maxPrice: '2.5' })).rejects.toMatchObject({ code: 'NOT_ENOUGH_ON_OFFER' })
    let asked = false
    await buyShares(bob, { modelId, amount: 400, maxPrice: '3', confirm: async (q) => ((asked = q.totalCost === quote.totalCost), true) })
    expect(asked).toBe(true)
    expect((await listOffers(bob, { modelId })).offers).toEqual([])

    // Alice resells 150 at 5; Carol buys 100 of them: 5% of 500 tUSD goes to the creator as royalty.
    const resale = await createOffer(alice, { modelId, amount: 150, price: '5', end: '7d' })
    const [aliceMid, creatorMid] = [await tokenBalance(alice, address(1)), await tokenBalance(creator, address(0))]
    const bought = await buyShares(carol, { modelId, amount: 100 })
    expect(bought.fills[0]).toMatchObject({ offeringId: resale.offeringId, cost: usd('500').toString(), royalty: usd('25').toString(), royaltyReceiver: address(0) })
    expect(await tokenBalance(alice, address(1))).toBe(aliceMid + usd('475'))
    expect(await tokenBalance(creator, address(0))).toBe(creatorMid + usd('25'))

    // 1000 tUSD of fees over 1000 shares: 1 tUSD a share, whoever holds it (Alice's 50 on offer included).
    await payFees(usd('1000'))
    const portfolio = await getPortfolio(alice)
    expect(portfolio.models).toHaveLength(1)
    expect(portfolio.models[0]).toMatchObject({
      modelId,
      balance: '150',
      onOffer: '50',
      shareOfSupplyBps: 2000,
      claimable: usd('150').toString(),
      pendingOnOffer: usd('50').toString(),
      bestAsk: usd('5').toString(),
      value: usd('1000').toString(),
      votes: '150',
    })

    const listed = await listModels(bob)
    expect(listed.models[0]).toMatchObject({ id: modelId, supply: '1000', holders: 4, bestAsk: usd('5').toString(), onOffer: '50', feesDeposited: usd('1000').toString(), feeShareBps: 3000 })
    const market = await getModelMarket(bob, { modelId })
    expect(market.topHolders.map((h) => [h.account, h.balance, h.onOffer])).toEqual([
      [address(2), '400', '0'],
      [address(0), '300', '0'],
      [address(1), '150', '50'],
      [address(3), '100', '0'],
    ])
    expect(market.feeHistory).toEqual([expect.objectContaining({ kind: 'deposited', amount: usd('1000').toString(), account: address(5) })])

    // Cancelling credits the offer's fees to Alice; one claim pays her holder fees and her seller fees.
    await expect(cancelOffer(bob, { offeringId: resale.offeringId })).rejects.toMatchObject({ code: 'NOT_OFFER_SELLER' })
    expect((await cancelOffer(alice, { offeringId: resale.offeringId })).returned).toBe('50')
    const beforeClaim = await tokenBalance(alice, address(1))
    const claim = await claimFees(alice)
    expect(claim.claimed).toEqual([{ modelId, amount: usd('150').toString() }])
    expect(claim.sellerFees?.amount).toBe(usd('50').toString())
    expect(await tokenBalance(alice, address(1))).toBe(beforeClaim + usd('200'))
    await expect(claimFees(alice)).rejects.toMatchObject({ code: 'NOTHING_TO_CLAIM' })

    // Transfers move future fees, never fees already earned.
    await transferShares(bob, { modelId, to: address(3), amount: 100 })
    await payFees(usd('500'))
    const bobView = await getPortfolio(bob)
    expect(bobView.models[0]).toMatchObject({ balance: '300', claimable: usd('550').toString() })
    const carolView = await getPortfolio(carol)
    expect(carolView.models[0]).toMatchObject({ balance: '200', claimable: usd('200').toString() })
    const carolClaim = await claimFees(carol, { modelIds: [modelId] })
    expect(carolClaim.total).toBe(usd('200').toString())
    expect((await getShareBalances(alice, { modelId })).balances[0]).toMatchObject({ balance: '200', onOffer: '0' })
  })

  it('refuses bad input with the error that names it', async () => {
    await expect(buyShares(bob, { modelId, amount: '1.5' })).rejects.toMatchObject({ code: 'SHARE_AMOUNT_INVALID' })
    await expect(buyShares(bob, { modelId, amount: 0 })).rejects.toMatchObject({ code: 'SHARE_AMOUNT_INVALID' })
    await expect(buyShares(bob, { modelId: 99, amount: 1 })).rejects.toMatchObject({ code: 'MODEL_UNKNOWN' })
    await expect(buyShares(bob, { modelId, amount: 1 })).rejects.toMatchObject({ code: 'NOT_ENOUGH_ON_OFFER' })
    await expect(createOffer(bob, { modelId, amount: 10_000, price: '1' })).rejects.toMatchObject({ code: 'SHARES_INSUFFICIENT' })
    await expect(createOffer(bob, { modelId, amount: 1, price: '-1' })).rejects.toMatchObject({ code: 'AMOUNT_INVALID' })
    await expect(createOffer(bob, { modelId, amount: 1, price: '0.0000001' })).rejects.toMatchObject({ code: 'AMOUNT_INVALID' })
    const offer = await createOffer(bob, { modelId, amount: 10, price: '4' })
    await expect(buyShares(carol, { modelId, amount: 5, offeringId: offer.offeringId, maxPrice: '3' })).rejects.toMatchObject({ code: 'PRICE_ABOVE_MAX' })
    await expect(buyShares(carol, { modelId, amount: 5, offeringId: 999 })).rejects.toMatchObject({ code: 'OFFER_UNKNOWN' })
    const poor = as(7)
    await expect(buyShares(poor, { modelId, amount: 5 })).rejects.toMatchObject({ code: 'TOKEN_BALANCE_INSUFFICIENT' })
    await cancelOffer(bob, { offeringId: offer.offeringId })
    await expect(buyShares(carol, { modelId, amount: 5, offeringId: offer.offeringId })).rejects.toMatchObject({ code: 'OFFER_NOT_OPEN' })
    await expect(cancelOffer(bob, { offeringId: offer.offeringId })).rejects.toMatchObject({ code: 'OFFER_NOT_OPEN' })
    await expect(transferShares(bob, { modelId, to: 'not an address', amount: 1 })).rejects.toMatchObject({ code: 'ADDRESS_INVALID' })
  })
})
