// The demo's money, measured twice: what each payer says it paid (its own receipts and fills) against what the chain
// shows arrived (earnings, fee pool totals, balance changes). Each equation must hold to the token's smallest unit;
// the only slack is the fee pool's rounding, which is bounded (less than one unit per holder) and shown.

/** The figures the demo measured, in the payment token's base units. */
export type DemoMoney = {
  /** Share market: what the buyers paid (their fills), what sellers and the royalty receiver got (balance changes). */
  shares: { paidByBuyers: bigint; receivedBySellers: bigint; royalties: bigint }
  /** Quality staking: stakes placed, paid back to stakers on claim, and what the fee pool received meanwhile. */
  stakes: { staked: bigint; paidBack: bigint; toFeePool: bigint }
  /**
   * Paid requests: the costs the clients were told (usage.cost), the operator's on-chain earnings, what the fee pool
   * received, and the clients' token spending (balance change less what their channels still hold).
   */
  requests: { count: number; costs: bigint; clientsSpent: bigint; operatorIncome: bigint; toFeePool: bigint }
  /** The validator's paid probes of the cheating node: their costs, that operator's earnings and the pool's share, settled when its node stopped. */
  probes: { count: number; costs: bigint; operatorIncome: bigint; toFeePool: bigint }
  /**
   * The slash: the stake taken and the challenger's bond in; what was credited to the challenger and to the harmed
   * payer, and what the burn address received (none of it reaches the holders, whose DAO may decide disputes).
   */
  slash: { slashed: bigint; bond: bigint; toChallenger: bigint; toPayer: bigint; burned: bigint }
  /** The model's fee pool at the end: deposited in its life, claimed by holders, still claimable, and by how many holders. */
  feePool: { deposited: bigint; claimed: bigint; claimable: bigint; holders: number }
}

export type LedgerRow = { label: string; amount: bigint; indent: 0 | 1 }
export type LedgerCheck = { equation: string; left: bigint; right: bigint; holds: boolean }
export type DemoLedger = { rows: LedgerRow[]; checks: LedgerCheck[]; dust: bigint; dustBounded: boolean; balanced: boolean }

const check = (equation: string, left: bigint, right: bigint): LedgerCheck => ({ equation, left, right, holds: left === right })

/** The summary table and the equations it must satisfy. */
export function demoLedger(money: DemoMoney): DemoLedger {
  const { shares, stakes, requests, probes, slash, feePool } = money
  const dust = feePool.deposited - feePool.claimed - feePool.claimable
  const rows: LedgerRow[] = [
    { label: 'share purchases paid by buyers', amount: shares.paidByBuyers, indent: 0 },
    { label: 'to sellers', amount: shares.receivedBySellers, indent: 1 },
    { label: 'royalty to the creator (resale)', amount: shares.royalties, indent: 1 },
    { label: `fees paid by clients (${requests.count} requests)`, amount: requests.costs, indent: 0 },
    { label: "operator's income", amount: requests.operatorIncome, indent: 1 },
    { label: "into the holders' fee pool", amount: requests.toFeePool, indent: 1 },
    { label: `probes paid by the validator (${probes.count} requests)`, amount: probes.costs, indent: 0 },
    { label: "cheating operator's income", amount: probes.operatorIncome, indent: 1 },
    { label: "into the holders' fee pool", amount: probes.toFeePool, indent: 1 },
    { label: 'quality stakes placed', amount: stakes.staked, indent: 0 },
    { label: 'paid back to stakers', amount: stakes.paidBack, indent: 1 },
    { label: "cut into the holders' fee pool", amount: stakes.toFeePool, indent: 1 },
    { label: "cheating node's stake slashed", amount: slash.slashed, indent: 0 },
    { label: 'to the challenger (its bond back aside)', amount: slash.toChallenger - slash.bond, indent: 1 },
    { label: 'to the harmed payer (the probe wallet)', amount: slash.toPayer, indent: 1 },
    { label: 'burned', amount: slash.burned, indent: 1 },
    { label: "holders' fee pool, deposited", amount: feePool.deposited, indent: 0 },
    { label: 'claimed by holders', amount: feePool.claimed, indent: 1 },
    { label: 'still claimable', amount: feePool.claimable, indent: 1 },
    { label: `rounding left in the pool (< 1 unit per holder, ${feePool.holders} holders)`, amount: dust, indent: 1 },
  ]
  const checks = [
    check('buyers paid = sellers received + royalties', shares.paidByBuyers, shares.receivedBySellers + shares.royalties),
    check('clients were charged = clients spent on chain', requests.costs, requests.clientsSpent),
    check("fees paid by clients = operator's income + fee pool's share", requests.costs, requests.operatorIncome + requests.toFeePool),
    check("probes paid = cheating operator's income + fee pool's share", probes.costs, probes.operatorIncome + probes.toFeePool),
    check('stakes placed = paid back + cut to the fee pool', stakes.staked, stakes.paidBack + stakes.toFeePool),
    check('slashed + bond = to the challenger + to the payer + burned', slash.slashed + slash.bond, slash.toChallenger + slash.toPayer + slash.burned),
    check('fee pool deposited = requests + probes + staking cut', feePool.deposited, requests.toFeePool + probes.toFeePool + stakes.toFeePool),
  ]
  // claimed + claimable can only fall short of the deposits by the per-holder flooring of the pool's accumulator.
  const dustBounded = dust >= 0n && dust < BigInt(Math.max(feePool.holders, 1))
  return { rows, checks, dust, dustBounded, balanced: dustBounded && checks.every((c) => c.holds) }
}
