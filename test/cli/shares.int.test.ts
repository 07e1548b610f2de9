// The investor commands end to end through the built CLI with --json, on a real anvil and a real IPFS repo.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTinyGguf } from '../../src/core/models/syntheticModel.js'
import { chainHome, type ChainHome } from '../helpers/chainHome.js'
import { jsonCli, runCli } from '../helpers/cli.js'

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

describe('shares, portfolio, fees and token commands (real anvil)', () => {
  let chain: ChainHome
  const cli = jsonCli(() => chain.root)
  let modelId: string

  beforeAll(async () => {
    chain = await chainHome()
    const weights = join(chain.root, 'weights')
    await mkdir(weights)
    await writeTinyGguf(join(weights, 'model.gguf'))
    const published = await cli(['model', 'publish', weights, '--name', 'tiny-investable', '--dev-account', '0', '--yes', '--supply', '1000', '--royalty', '10', '--fee-share', '60'])
    modelId = published.result.model.modelId
  })
  afterAll(async () => chain?.stop())

  it('lists, offers, buys with --yes, and shows portfolio, balances and claims', async () => {
    expect((await cli(['token', 'faucet', '--dev-account', '1', '--amount', '500'])).result).toMatchObject({ address: ALICE, amount: '500' })
    expect((await cli(['token', 'balance', '--dev-account', '1'])).result).toMatchObject({ balance: '500000000', token: { symbol: 'tUSD', decimals: 6 } })

    const offer = (await cli(['shares', 'offer', modelId, '--amount', '400', '--price', '1.5', '--dev-account', '0', '--end', '30d'])).result
    expect(offer).toMatchObject({ amount: '400', pricePerShare: '1500000' })
    const offers = (await cli(['shares', 'offers', '--model', modelId])).result.offers
    expect(offers).toEqual([expect.objectContaining({ id: offer.offeringId, state: 'open', remaining: '400' })])

    // No prompt under --json: without --yes it refuses, and nothing is bought.
    const refused = await runCli(['shares', 'buy', modelId, '--amount', '100', '--dev-account', '1', '--json'], { home: chain.root })
    expect(refused.code).toBe(2)
    expect(refused.json.error.code).toBe('CONFIRMATION_REQUIRED')

    const bought = (await cli(['shares', 'buy', modelId, '--amount', '100', '--max-price', '2', '--dev-account', '1', '--yes'])).result
    expect(bought).toMatchObject({ totalCost: '150000000', totalRoyalty: '0', bought: [expect.objectContaining({ offeringId: offer.offeringId, amount: '100' })] })
    expect(bought.approvalHash).toMatch(/^0x/)

    await cli(['shares', 'transfer', modelId, BOB, '--amount', '40', '--dev-account', '1'])
    expect((await cli(['shares', 'balance', '--dev-account', '1'])).result.balances).toEqual([expect.objectContaining({ modelId: Number(modelId), balance: '60', onOffer: '0', name: 'tiny-investable' })])

    const listed = (await cli(['model', 'list', '--on-offer'])).result
    expect(listed.models).toEqual([expect.objectContaining({ id: Number(modelId), name: 'tiny-investable', holders: 3, bestAsk: '1500000', onOffer: '300', feeShareBps: 6000 })])
    expect((await cli(['model', 'list', '--search', 'no-such-model'])).result.models).toEqual([])

    const info = (await cli(['model', 'info', modelId])).result
    expect(info.manifest.name).toBe('tiny-investable')
    expect(info.market.onChain).toMatchObject({ supply: '1000', royaltyBps: 1000, feeShareBps: 6000, escrowed: '300' })
    expect(info.market.topHolders[0]).toMatchObject({ balance: '600', onOffer: '300' })

    const portfolio = (await cli(['portfolio', '--dev-account', '1'])).result
    expect(portfolio.models).toEqual([expect.objectContaining({ modelId: Number(modelId), balance: '60', shareOfSupplyBps: 600, claimable: '0', value: '90000000' })])
    const nothing = await runCli(['fees', 'claim', '--all', '--dev-account', '1', '--json'], { home: chain.root })
    expect(nothing.json.error.code).toBe('NOTHING_TO_CLAIM')

    expect((await cli(['shares', 'cancel', String(offer.offeringId), '--dev-account', '0'])).result).toMatchObject({ returned: '300' })
    expect((await cli(['index', 'rebuild'])).result).toMatchObject({ rebuilt: expect.any(String), events: expect.any(Number) })
    expect((await cli(['shares', 'offers', '--all'])).result.offers).toEqual([expect.objectContaining({ id: offer.offeringId, state: 'cancelled' })])
  })

  it('names bad input clearly', async () => {
    const bad = async (args: string[], code: string) => {
      const result = await runCli([...args, '--json'], { home: chain.root })
      expect(result.json?.error?.code, result.stdout + result.stderr).toBe(code)
    }
    await bad(['shares', 'buy', modelId, '--amount', '-2', '--dev-account', '1', '--yes'], 'SHARE_AMOUNT_INVALID')
    await bad(['shares', 'buy', '77', '--amount', '2', '--dev-account', '1', '--yes'], 'MODEL_UNKNOWN')
    await bad(['shares', 'cancel', '99', '--dev-account', '0'], 'OFFER_UNKNOWN')
    await bad(['shares', 'offer', modelId, '--amount', '5', '--price', 'abc', '--dev-account', '0'], 'AMOUNT_INVALID')
    await bad(['fees', 'claim', '--dev-account', '1'], 'USAGE')
    await bad(['model', 'list', '--creator', '0x123'], 'ADDRESS_INVALID')
  })
})
