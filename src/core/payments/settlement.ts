import { type Account, type Address, type Hex, encodeFunctionData, parseEventLogs } from 'viem'
import type { ChainConnection } from '../chain/rpc/connection.js'
import { protocolArtifacts } from '../chain/protocol/registry.js'
import { sendTransaction } from '../chain/protocol/write.js'
import type { PaymentStore } from './store.js'

export type SettleVouchersResult = {
  /** Transactions sent, one per batch. */
  transactions: Hex[]
  /** Vouchers submitted. */
  vouchers: number
  /** Amount claimed on chain by these transactions. */
  claimed: bigint
  /** Holders' part of it (into the fee pools). */
  fees: bigint
  /** Vouchers the contract skipped, with the status it gave. */
  skipped: { channelId: Hex; modelId: bigint; status: number }[]
}

/**
 * Settles everything the node acknowledged and has not settled: reads each held voucher's on-chain `settled` first
 * (so a crash between sending a batch and recording it never pays twice or skips), then claims up to the consumed
 * amount (never the unused part of a voucher) in batches of `batchSize`.
 */
export async function settleVouchers(
  connection: ChainConnection,
  operator: Account,
  channels: Address,
  store: PaymentStore,
  options: { batchSize?: number | undefined; minAmount?: bigint | undefined } = {},
): Promise<SettleVouchersResult> {
  const abi = protocolArtifacts.PaymentChannels.abi
  const read = connection.publicClient
  const result: SettleVouchersResult = { transactions: [], vouchers: 0, claimed: 0n, fees: 0n, skipped: [] }
  const owing = store.vouchers().filter((held) => held.consumed > held.settled)
  const onChain = await Promise.all(owing.map((held) => read.readContract({ address: channels, abi, functionName: 'settled', args: [held.channelId, held.modelId] })))
  const due = []
  for (const [i, held] of owing.entries()) {
    const settled = onChain[i]!
    if (settled !== held.settled) store.markSettled(held.channelId, held.modelId, settled)
    if (held.consumed > settled) due.push({ ...held, settled })
  }
  const total = due.reduce((sum, v) => sum + (v.consumed - v.settled), 0n)
  if (due.length === 0 || total < (options.minAmount ?? 1n)) return result
  const size = options.batchSize ?? 50
  // Grouped by model so the contract pools each model's fees once per batch.
  due.sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0))
  for (let i = 0; i < due.length; i += size) {
    const batch = due.slice(i, i + size)
    const args = batch.map((v) => ({
      voucher: { channelId: v.channelId, modelId: v.modelId, cumulativeAmount: v.cumulativeAmount, feeShareBps: v.feeShareBps },
      signature: v.signature,
      claimTo: v.consumed,
    }))
    const claimed = batch.reduce((sum, v) => sum + (v.consumed - v.settled), 0n)
    const id = store.startSettlement(batch.length, claimed)
    const data = encodeFunctionData({ abi, functionName: 'settleMany', args: [args] })
    const { hash, receipt } = await sendTransaction(connection, operator, { to: channels, data, call: 'PaymentChannels.settleMany' }).catch((error: unknown) => {
      store.finishSettlement(id, null, 'failed')
      throw error
    })
    store.finishSettlement(id, hash, 'confirmed')
    result.transactions.push(hash)
    result.vouchers += batch.length
    for (const log of parseEventLogs({ abi, logs: receipt.logs })) {
      if (log.eventName === 'Settled') {
        store.markSettled(log.args.channelId, log.args.modelId, log.args.cumulative)
        result.claimed += log.args.amount
        result.fees += log.args.fee
      } else if (log.eventName === 'SettlementSkipped') {
        result.skipped.push({ channelId: log.args.channelId, modelId: log.args.modelId, status: Number(log.args.status) })
      }
    }
  }
  return result
}
