// Contract gas, from one forge run: the GasBenchmark test prints `GAS <label> <value>` for each operation, measured
// the same way (cold storage, external call only) as a bare OpenZeppelin ERC-1155 in the same run.
import { spawnSync } from 'node:child_process'
import { ratio, sidesOf, type Benchmark, type BenchRow } from './types.js'

/** Runs one forge gas-benchmark contract and reads its `GAS <label> <value>` lines. */
export function forgeGas(contract: string): { rows: BenchRow[]; get: (label: string) => number } {
  const result = spawnSync('npx', ['forge', 'test', '--match-contract', contract, '-vv'], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 })
  const gas = new Map<string, number>()
  for (const match of result.stdout.matchAll(/GAS (\S+) (\d+)/g)) gas.set(match[1]!, Number(match[2]))
  if (result.status !== 0 || gas.size === 0) throw new Error(`forge ${contract} failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`)
  const get = (label: string) => {
    const value = gas.get(label)
    if (value === undefined) throw new Error(`${contract} printed no "${label}"`)
    return value
  }
  return { rows: [...gas.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([label, value]) => ({ label, value, unit: 'gas' })), get }
}

export const gasBenchmark: Benchmark = {
  name: 'gas',
  description: 'Gas of the money paths vs a bare OpenZeppelin ERC-1155, one forge run',
  async run() {
    const { rows, get } = forgeGas('GasBenchmark')
    const claims = ['claim_1_holder', 'claim_100_holders', 'claim_1000_holders'].map(get)
    // The first settlement of each channel (fresh storage) is the worst case; steady state is cheaper.
    const perVoucher = get('settle_many_50_fresh_per_voucher')
    const perRequest = get('settle_many_50_fresh_per_request_100_per_voucher')
    // A dispute's whole life, from the challenge contract's own forge run (execution gas, 21k per transaction aside).
    const challenges = forgeGas('ReceiptChallengesGas')
    const c = challenges.get
    const voters = 3 // ReceiptChallengesBase's QUORUM: the validators whose stake reaches half the snapshot
    const receiptLife =
      c('receipt_challenge') + voters * (c('receipt_commit_vote') + c('receipt_reveal_vote') + c('receipt_settle_vote')) + c('receipt_resolve_slash') + c('receipt_withdraw_credits')
    // Appealed to the end: a second validator round of the same voters, then the DAO's decision instead of a resolve.
    const appealedLife = receiptLife + 2 * c('receipt_appeal') + voters * (c('receipt_commit_vote') + c('receipt_reveal_vote') + c('receipt_settle_vote')) - c('receipt_resolve_slash') + c('receipt_decide_dao_slash')
    rows.push(
      ...challenges.rows,
      { label: `receipt dispute, whole life (file, ${voters} commits and reveals, resolve with slash, ${voters} vote settlements, withdraw)`, value: receiptLife, unit: 'gas' },
      { label: `receipt dispute appealed to the DAO (two validator rounds of ${voters}, two appeals, the DAO's slash)`, value: appealedLife, unit: 'gas' },
      // No votes: after the delivery window, one resolve slashes; the payer's withdrawal is the second transaction.
      { label: 'non-delivery claim, whole life (claim, resolve with slash, withdraw)', value: c('receipt_non_delivery_claim') + c('receipt_non_delivery_resolve_slash') + c('receipt_withdraw_credits'), unit: 'gas' },
    )
    return {
      rows,
      ratios: [
        ratio('transfer (fees+votes) / bare OZ transfer', get('transfer_existing_holders') / get('oz_erc1155_transfer_existing'), { op: '<=', value: 2 }, sidesOf(rows, 'transfer_existing_holders', 'oz_erc1155_transfer_existing')),
        ratio('transfer with 1,000 pending proposals / plain transfer', get('transfer_1000_pending_proposals') / get('transfer_no_pending_same_shape'), { op: '<=', value: 1.2 }, sidesOf(rows, 'transfer_1000_pending_proposals', 'transfer_no_pending_same_shape')),
        ratio('transfer to new holder / bare OZ', get('transfer_new_holder') / get('oz_erc1155_transfer_new'), undefined, sidesOf(rows, 'transfer_new_holder', 'oz_erc1155_transfer_new')),
        ratio('claim gas spread, 1 vs 1000 holders', Math.max(...claims) / Math.min(...claims), { op: '<=', value: 1.05 }, sidesOf(rows, 'claim_1000_holders', 'claim_1_holder')),
        ratio('settleMany per voucher / 60k', perVoucher / 60_000, { op: '<=', value: 1 }, { modeldao: sidesOf(rows, 'settle_many_50_fresh_per_voucher', '').modeldao, anchor: { label: 'budget', value: 60_000, unit: 'gas' } }),
        ratio('per request (100 requests/voucher, tx base cost shared) / 600 gas', perRequest / 600, { op: '<=', value: 1 }, { modeldao: sidesOf(rows, 'settle_many_50_fresh_per_request_100_per_voucher', '').modeldao, anchor: { label: 'budget', value: 600, unit: 'gas' } }),
      ],
    }
  },
}
