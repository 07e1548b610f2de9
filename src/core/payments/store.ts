import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Hex } from 'viem'

/** The latest voucher a node holds for a (channel, model), and what it acknowledged as consumed under it. */
export type HeldVoucher = {
  channelId: Hex
  modelId: bigint
  cumulativeAmount: bigint
  feeShareBps: number
  signature: Hex
  /** Sum of every cost the node acknowledged to the client on this (channel, model). */
  consumed: bigint
  /** Confirmed settled on chain (the contract's `settled`), as last reconciled. */
  settled: bigint
}

/** One acknowledged cost: what the response told the client it paid. */
export type PaymentRecord = {
  receiptId: string
  scheme: 'channel' | 'exact'
  /** Channel id, or the payer's address for `exact`. */
  source: string
  modelId: bigint
  cost: bigint
  holders: bigint
  operator: bigint
}

const big = (v: unknown) => BigInt(v as string)

/**
 * The node's payment ledger in `<home>/serving/payments.sqlite` (WAL, synchronous commits: a write has reached the
 * disk when the call returns, so a response is never acknowledged for a cost that a crash could lose).
 */
export class PaymentStore {
  private readonly db: DatabaseSync
  private readonly s: Record<string, StatementSync>

  constructor(folder: string) {
    mkdirSync(folder, { recursive: true })
    this.db = new DatabaseSync(join(folder, 'payments.sqlite'))
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;
      CREATE TABLE IF NOT EXISTS vouchers (
        channel_id TEXT NOT NULL, model_id TEXT NOT NULL, cumulative TEXT NOT NULL, fee_share_bps INTEGER NOT NULL,
        signature TEXT NOT NULL, consumed TEXT NOT NULL DEFAULT '0', settled TEXT NOT NULL DEFAULT '0',
        PRIMARY KEY (channel_id, model_id));
      CREATE TABLE IF NOT EXISTS payments (
        receipt_id TEXT PRIMARY KEY, scheme TEXT NOT NULL, source TEXT NOT NULL, model_id TEXT NOT NULL,
        cost TEXT NOT NULL, holders TEXT NOT NULL, operator TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS exact_payments (
        payer TEXT NOT NULL, nonce TEXT NOT NULL, value TEXT NOT NULL, tx TEXT, PRIMARY KEY (payer, nonce));
      CREATE TABLE IF NOT EXISTS settlements (
        id INTEGER PRIMARY KEY AUTOINCREMENT, tx TEXT, vouchers INTEGER NOT NULL, claimed TEXT NOT NULL,
        status TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS watched (name TEXT PRIMARY KEY, block TEXT NOT NULL);`)
    const p = (sql: string) => this.db.prepare(sql)
    this.s = {
      voucher: p('SELECT * FROM vouchers WHERE channel_id = ? AND model_id = ?'),
      channelVouchers: p('SELECT * FROM vouchers WHERE channel_id = ?'),
      accept: p(`INSERT INTO vouchers (channel_id, model_id, cumulative, fee_share_bps, signature) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (channel_id, model_id) DO UPDATE SET cumulative = excluded.cumulative, fee_share_bps = excluded.fee_share_bps, signature = excluded.signature`),
      consume: p('UPDATE vouchers SET consumed = ? WHERE channel_id = ? AND model_id = ?'),
      settled: p('UPDATE vouchers SET settled = ? WHERE channel_id = ? AND model_id = ?'),
      unsettled: p('SELECT * FROM vouchers'),
      record: p('INSERT INTO payments (receipt_id, scheme, source, model_id, cost, holders, operator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      payments: p('SELECT * FROM payments ORDER BY created_at'),
      exactSeen: p('SELECT 1 FROM exact_payments WHERE payer = ? AND nonce = ?'),
      exactAdd: p('INSERT INTO exact_payments (payer, nonce, value) VALUES (?, ?, ?)'),
      exactTx: p('UPDATE exact_payments SET tx = ? WHERE payer = ? AND nonce = ?'),
      settlementAdd: p("INSERT INTO settlements (vouchers, claimed, status, created_at) VALUES (?, ?, 'sending', ?)"),
      settlementTx: p('UPDATE settlements SET tx = ?, status = ? WHERE id = ?'),
      watched: p('SELECT block FROM watched WHERE name = ?'),
      watchedSet: p('INSERT INTO watched (name, block) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET block = excluded.block'),
    }
  }

  private row(r: Record<string, unknown> | undefined): HeldVoucher | undefined {
    if (!r) return undefined
    return {
      channelId: r.channel_id as Hex,
      modelId: big(r.model_id),
      cumulativeAmount: big(r.cumulative),
      feeShareBps: Number(r.fee_share_bps),
      signature: r.signature as Hex,
      consumed: big(r.consumed),
      settled: big(r.settled),
    }
  }

  voucher(channelId: Hex, modelId: bigint): HeldVoucher | undefined {
    return this.row(this.s.voucher!.get(channelId, modelId.toString()) as Record<string, unknown> | undefined)
  }

  channelVouchers(channelId: Hex): HeldVoucher[] {
    return (this.s.channelVouchers!.all(channelId) as Record<string, unknown>[]).map((r) => this.row(r)!)
  }

  /** Keeps a newly accepted voucher (it supersedes the earlier one: amounts are cumulative). */
  accept(v: Omit<HeldVoucher, 'consumed' | 'settled'>): void {
    this.s.accept!.run(v.channelId, v.modelId.toString(), v.cumulativeAmount.toString(), v.feeShareBps, v.signature)
  }

  /** Books an acknowledged channel cost, the voucher that paid it and its payment record in one transaction. */
  consume(channelId: Hex, modelId: bigint, consumed: bigint, record: PaymentRecord, accepted?: Omit<HeldVoucher, 'consumed' | 'settled'>): void {
    this.transaction(() => {
      // The voucher that paid this request, kept in the same transaction (one disk sync per request) unless a later
      // one is held already (parallel requests complete in any order).
      const held = this.voucher(channelId, modelId)
      if (accepted && (!held || accepted.cumulativeAmount > held.cumulativeAmount)) this.accept(accepted)
      this.s.consume!.run(consumed.toString(), channelId, modelId.toString())
      this.insertRecord(record)
    })
  }

  recordExact(payer: string, nonce: Hex, record: PaymentRecord, tx: Hex): void {
    this.transaction(() => {
      this.s.exactTx!.run(tx, payer.toLowerCase(), nonce)
      this.insertRecord(record)
    })
  }

  /** The last block a chain watcher (e.g. of withdrawal requests) processed, so a restart resumes after it. */
  watchedThrough(name: string): bigint | undefined {
    const row = this.s.watched!.get(name) as { block: string } | undefined
    return row ? BigInt(row.block) : undefined
  }

  setWatchedThrough(name: string, block: bigint): void {
    this.s.watchedSet!.run(name, block.toString())
  }

  /** Whether an `exact` authorization was claimed already. */
  exactSeen(payer: string, nonce: Hex): boolean {
    return Boolean(this.s.exactSeen!.get(payer.toLowerCase(), nonce))
  }

  /** Claims an `exact` authorization before it is settled; false if it was seen already (a replay). */
  claimExact(payer: string, nonce: Hex, value: bigint): boolean {
    if (this.s.exactSeen!.get(payer.toLowerCase(), nonce)) return false
    this.s.exactAdd!.run(payer.toLowerCase(), nonce, value.toString())
    return true
  }

  private insertRecord(r: PaymentRecord) {
    this.s.record!.run(r.receiptId, r.scheme, r.source, r.modelId.toString(), r.cost.toString(), r.holders.toString(), r.operator.toString(), new Date().toISOString())
  }

  markSettled(channelId: Hex, modelId: bigint, settled: bigint): void {
    this.s.settled!.run(settled.toString(), channelId, modelId.toString())
  }

  /** Every held voucher (settlement filters those with consumption beyond what is settled). */
  vouchers(): HeldVoucher[] {
    return (this.s.unsettled!.all() as Record<string, unknown>[]).map((r) => this.row(r)!)
  }

  payments(): PaymentRecord[] {
    return (this.s.payments!.all() as Record<string, unknown>[]).map((r) => ({
      receiptId: r.receipt_id as string,
      scheme: r.scheme as 'channel' | 'exact',
      source: r.source as string,
      modelId: big(r.model_id),
      cost: big(r.cost),
      holders: big(r.holders),
      operator: big(r.operator),
    }))
  }

  startSettlement(vouchers: number, claimed: bigint): number {
    return Number(this.s.settlementAdd!.run(vouchers, claimed.toString(), new Date().toISOString()).lastInsertRowid)
  }

  finishSettlement(id: number, tx: Hex | null, status: 'sent' | 'confirmed' | 'failed'): void {
    this.s.settlementTx!.run(tx, status, id)
  }

  private transaction(fn: () => void) {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      fn()
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  close(): void {
    this.db.close()
  }
}
