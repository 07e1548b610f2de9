import { describe, expect, it } from 'vitest'
import { demoLedger, type DemoMoney } from '../../../src/core/demo/ledger.js'

const balanced = (): DemoMoney => ({
  shares: { paidByBuyers: 650_000_000n, receivedBySellers: 642_500_000n, royalties: 7_500_000n },
  stakes: { staked: 70_000_000n, paidBack: 69_000_000n, toFeePool: 1_000_000n },
  requests: { count: 6, costs: 14_000n, clientsSpent: 14_000n, operatorIncome: 4_200n, toFeePool: 9_800n },
  probes: { count: 3, costs: 7_800n, operatorIncome: 2_340n, toFeePool: 5_460n },
  slash: { slashed: 1_000_000n, bond: 1_000_000n, toChallenger: 1_250_000n, toPayer: 2_600n, burned: 747_400n },
  feePool: { deposited: 1_015_260n, claimed: 1_009_797n, claimable: 5_460n, holders: 4 },
})

describe('demoLedger', () => {
  it('a story whose money adds up is balanced, with the pool rounding shown', () => {
    const ledger = demoLedger(balanced())
    expect(ledger.checks.map((c) => c.holds)).toEqual([true, true, true, true, true, true, true])
    expect(ledger.dust).toBe(3n)
    expect(ledger.balanced).toBe(true)
    expect(ledger.rows.find((r) => r.label.startsWith('to the challenger'))!.amount).toBe(250_000n)
  })

  it.each([
    ['a royalty that went missing', (m: DemoMoney) => (m.shares.royalties -= 1n), 'buyers paid = sellers received + royalties'],
    ['a client charged more than it spent', (m: DemoMoney) => (m.requests.clientsSpent -= 1n), 'clients were charged = clients spent on chain'],
    ['an operator paid one unit too much', (m: DemoMoney) => (m.requests.operatorIncome += 1n), "fees paid by clients = operator's income + fee pool's share"],
    ['a cheating operator credited one unit too much', (m: DemoMoney) => (m.probes.operatorIncome += 1n), "probes paid = cheating operator's income + fee pool's share"],
    ['a stake paid back twice', (m: DemoMoney) => (m.stakes.paidBack += 1n), 'stakes placed = paid back + cut to the fee pool'],
    ['a challenger credited one unit short', (m: DemoMoney) => (m.slash.toChallenger -= 1n), 'slashed + bond = to the challenger + to the payer + burned'],
    ['a unit burned too many', (m: DemoMoney) => (m.slash.burned += 1n), 'slashed + bond = to the challenger + to the payer + burned'],
    ['a deposit from nowhere', (m: DemoMoney) => (m.feePool.deposited += 1n), 'fee pool deposited = requests + probes + staking cut'],
  ])('one unit off (%s) fails exactly its equation', (_name, change, equation) => {
    const money = balanced()
    change(money)
    const ledger = demoLedger(money)
    expect(ledger.checks.filter((c) => !c.holds).map((c) => c.equation)).toEqual([equation])
    expect(ledger.balanced).toBe(false)
  })

  it('rounding of one unit per holder or more, or claims above the deposits, is not balanced', () => {
    const tooMuchDust = balanced()
    tooMuchDust.feePool.claimed -= 1n // dust 4 with 4 holders
    expect(demoLedger(tooMuchDust)).toMatchObject({ dust: 4n, dustBounded: false, balanced: false })
    const overClaimed = balanced()
    overClaimed.feePool.claimed += 4n // dust -1
    expect(demoLedger(overClaimed)).toMatchObject({ dust: -1n, dustBounded: false, balanced: false })
  })
})
