import { describe, expect, it } from 'vitest'
import type { IndexedOffering } from '../../../src/core/index/queries.js'
import { parseShareAmount, parseTokenAmount, planFill } from '../../../src/core/shares/market.js'
import { parseWindowTime } from '../../../src/core/shares/window.js'

const offer = (id: number, price: bigint, remaining: bigint, state: IndexedOffering['state'] = 'open'): IndexedOffering => ({
  id,
  modelId: 1,
  seller: `0x${String(id).padStart(40, '0')}`,
  paymentToken: `0x${'a'.repeat(40)}`,
  amount: remaining.toString(),
  remaining: remaining.toString(),
  pricePerShare: price.toString(),
  start: 0,
  end: 0,
  state,
  createdBlock: id,
})

describe('planFill', () => {
  it('takes the cheapest open offers first, the older one first at equal prices', () => {
    const fills = planFill([offer(1, 5n, 10n), offer(2, 3n, 4n), offer(3, 3n, 4n), offer(4, 1n, 100n, 'upcoming')], 10n, 1)
    expect(fills.map((f) => [f.offeringId, f.amount, f.cost])).toEqual([
      [2, 4n, 12n],
      [3, 4n, 12n],
      [1, 2n, 10n],
    ])
  })

  it('skips offers above the limit and says how much is available under it', () => {
    expect(() => planFill([offer(1, 5n, 10n), offer(2, 3n, 4n)], 6n, 1, { maxPricePerShare: 4n, shown: '4 tUSD' })).toThrow(
      expect.objectContaining({ code: 'NOT_ENOUGH_ON_OFFER', shortMessage: 'Only 4 shares of model 1 are on offer at or below 4 tUSD a share; 6 were asked for.' }),
    )
  })
})

describe('amounts and times', () => {
  it('accepts whole positive share amounts only', () => {
    expect(parseShareAmount('250')).toBe(250n)
    for (const bad of ['0', '1.5', '-3', 'ten', '']) expect(() => parseShareAmount(bad)).toThrow(expect.objectContaining({ code: 'SHARE_AMOUNT_INVALID' }))
  })

  it('reads prices in token units and refuses more decimals than the token has', () => {
    expect(parseTokenAmount('2.5', 6, '--price')).toBe(2_500_000n)
    expect(parseTokenAmount('.5', 6, '--price')).toBe(500_000n)
    for (const bad of ['0', '-1', '1e3', '0.0000001', 'abc']) expect(() => parseTokenAmount(bad, 6, '--price')).toThrow(expect.objectContaining({ code: 'AMOUNT_INVALID' }))
  })

  it('reads offer windows as delays from the chain time or ISO times', () => {
    expect(parseWindowTime('7d', 1_000, '--end')).toBe(1_000 + 7 * 86_400)
    expect(parseWindowTime('now', 1_000, '--start')).toBe(1_000)
    expect(parseWindowTime('2030-01-01T00:00:00Z', 1_000, '--end')).toBe(1_893_456_000)
    expect(() => parseWindowTime('3600', 1_000, '--end')).toThrow(expect.objectContaining({ code: 'TIME_INVALID' }))
  })
})
