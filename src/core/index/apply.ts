import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** The contracts whose logs are indexed (ModelGovernor: any model's governor clone, known from DaoCreated). */
export type IndexedContract = 'ModelShares' | 'ShareOffering' | 'DaoFactory' | 'DatasetRegistry' | 'QualityStaking' | 'ModelGovernor'

/** A decoded protocol log as the index stores it: bigints as decimal strings, addresses lower-case. */
export type IndexedEvent = {
  block: number
  logIndex: number
  tx: string
  contract: IndexedContract
  name: string
  args: Record<string, string | number | boolean | string[]>
}

/** The model and offering an event is about (for the history queries), when it has them. */
export function eventSubjects(event: IndexedEvent): { modelId: number | null; offeringId: number | null } {
  const { args } = event
  const modelId = event.contract === 'ModelShares' ? (args.id ?? args.ids) : args.modelId
  return {
    modelId: typeof modelId === 'string' ? Number(modelId) : null,
    offeringId: typeof args.offeringId === 'string' ? Number(args.offeringId) : null,
  }
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'

/**
 * Applies events to the derived tables and rolls them back. Every change is reversible from the event itself plus
 * the `undo` value `apply` returned (what it overwrote), so a reorg never needs a rescan.
 */
export class EventApplier {
  private readonly statements = new Map<string, StatementSync>()
  constructor(private readonly db: DatabaseSync) {}

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text)
    if (!statement) {
      statement = this.db.prepare(text)
      this.statements.set(text, statement)
    }
    return statement
  }

  /** Applies one event; returns what a rollback needs (or null). */
  apply(event: IndexedEvent): string | null {
    return this.run(event, 1n, null)
  }

  /** Undoes one event applied before (events are rolled back newest first). */
  revert(event: IndexedEvent, undo: string | null): void {
    this.run(event, -1n, undo)
  }

  private run(event: IndexedEvent, sign: 1n | -1n, undo: string | null): string | null {
    const a = event.args
    const forward = sign === 1n
    switch (`${event.contract}.${event.name}`) {
      case 'ModelShares.ModelCreated':
        if (forward) {
          this.sql(
            `INSERT INTO models (id, creator, manifest_cid, supply, royalty_bps, fee_share_bps, price_per_request, admin, royalty_receiver, created_block)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(Number(a.id), a.creator as string, a.manifestCid as string, a.supply as string, Number(a.royaltyBps), Number(a.feeShareBps), a.pricePerRequest as string, a.creator as string, a.creator as string, event.block)
        } else this.sql('DELETE FROM models WHERE id = ?').run(Number(a.id))
        return null
      case 'ModelShares.AdminChanged':
        return this.setColumn('admin', a.id as string, forward ? (a.newAdmin as string) : (a.previousAdmin as string))
      case 'ModelShares.FeeShareScheduled':
      case 'ModelShares.FeeShareCancelled':
        return this.setFeeShare(a, event.name === 'FeeShareScheduled', forward, undo)
      case 'ModelShares.ManifestChanged':
        return this.setColumn('manifest_cid', a.id as string, forward ? (a.manifestCid as string) : (undo as string))
      case 'ModelShares.PriceChanged':
        return this.setColumn('price_per_request', a.id as string, forward ? (a.pricePerRequest as string) : (undo as string))
      case 'ModelShares.RoyaltyReceiverChanged':
        return this.setColumn('royalty_receiver', a.id as string, forward ? (a.receiver as string) : (undo as string))
      case 'ModelShares.FeesDeposited':
        this.addToColumn('models', 'fees_deposited', Number(a.id), BigInt(a.amount as string) * sign)
        return null
      case 'ModelShares.FeesClaimed':
        this.addToColumn('models', 'fees_claimed', Number(a.id), BigInt(a.amount as string) * sign)
        return null
      case 'ModelShares.TransferSingle':
        this.move(Number(a.id), a.from as string, a.to as string, BigInt(a.value as string) * sign)
        return null
      case 'ModelShares.TransferBatch': {
        const ids = a.ids as string[]
        const values = a.values as string[]
        ids.forEach((id, i) => this.move(Number(id), a.from as string, a.to as string, BigInt(values[i]!) * sign))
        return null
      }
      case 'ShareOffering.OfferingCreated':
        if (forward) {
          this.sql(
            `INSERT INTO offerings (id, model_id, seller, payment_token, amount, remaining, price_per_share, start, end, closed, created_block)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
          ).run(Number(a.offeringId), Number(a.modelId), a.seller as string, a.paymentToken as string, a.amount as string, a.amount as string, a.pricePerShare as string, Number(a.start), Number(a.end), event.block)
        } else this.sql('DELETE FROM offerings WHERE id = ?').run(Number(a.offeringId))
        return null
      case 'ShareOffering.SharesBought':
        this.addToColumn('offerings', 'remaining', Number(a.offeringId), -BigInt(a.amount as string) * sign)
        return null
      case 'ShareOffering.OfferingCancelled':
      case 'ShareOffering.UnsoldWithdrawn': {
        const returned = BigInt((a.returned ?? a.amount) as string)
        this.addToColumn('offerings', 'remaining', Number(a.offeringId), -returned * sign)
        const closed = event.name === 'OfferingCancelled' ? 'cancelled' : 'withdrawn'
        this.sql('UPDATE offerings SET closed = ? WHERE id = ?').run(forward ? closed : null, Number(a.offeringId))
        return null
      }
      case 'DaoFactory.DaoCreated':
        if (forward) {
          this.sql('INSERT INTO daos (model_id, governor, timelock, votes, timelock_delay, created_block) VALUES (?, ?, ?, ?, ?, ?)').run(
            Number(a.modelId), a.governor as string, a.timelock as string, a.votes as string, Number(a.timelockDelay), event.block,
          )
        } else this.sql('DELETE FROM daos WHERE model_id = ?').run(Number(a.modelId))
        return null
      default:
        // Proposals, votes and stakes are read from the events table itself (governance queries); dataset changes are
        // kept there as history (the current list is read from DatasetRegistry).
        // Delegation, snapshots and seller fee credits are read from the chain when shown; only their history is kept.
        return null
    }
  }

  /** Sets a model column; returns the value it replaced (the undo of a forward apply). */
  /** The split in effect until `next_fee_share_at` and the scheduled one; the undo record holds all three. */
  private setFeeShare(a: Record<string, unknown>, scheduled: boolean, forward: boolean, undo: string | null): string | null {
    const id = Number(a.id)
    const previous = this.sql('SELECT fee_share_bps, next_fee_share_bps, next_fee_share_at FROM models WHERE id = ?').get(id) as
      | { fee_share_bps: number; next_fee_share_bps: number | null; next_fee_share_at: number | null }
      | undefined
    if (!previous) return null
    let next: [number, number | null, number | null]
    if (!forward) next = JSON.parse(undo ?? 'null') ?? [previous.fee_share_bps, null, null]
    else if (scheduled) next = [Number(a.currentBps), Number(a.nextBps), Number(a.effectiveAt)]
    else next = [previous.fee_share_bps, null, null]
    this.sql('UPDATE models SET fee_share_bps = ?, next_fee_share_bps = ?, next_fee_share_at = ? WHERE id = ?').run(...next, id)
    return JSON.stringify([previous.fee_share_bps, previous.next_fee_share_bps, previous.next_fee_share_at])
  }

  private setColumn(column: string, id: string, value: string | number): string | null {
    const previous = this.sql(`SELECT ${column} AS value FROM models WHERE id = ?`).get(Number(id)) as { value: string | number } | undefined
    this.sql(`UPDATE models SET ${column} = ? WHERE id = ?`).run(value, Number(id))
    return previous ? String(previous.value) : null
  }

  private addToColumn(table: 'models' | 'offerings', column: string, id: number, delta: bigint) {
    const row = this.sql(`SELECT ${column} AS value FROM ${table} WHERE id = ?`).get(id) as { value: string } | undefined
    if (!row) return
    this.sql(`UPDATE ${table} SET ${column} = ? WHERE id = ?`).run((BigInt(row.value) + delta).toString(), id)
  }

  private move(modelId: number, from: string, to: string, value: bigint) {
    if (from !== ZERO_ADDRESS) this.addBalance(modelId, from, -value)
    if (to !== ZERO_ADDRESS) this.addBalance(modelId, to, value)
  }

  private addBalance(modelId: number, account: string, delta: bigint) {
    const row = this.sql('SELECT balance FROM balances WHERE model_id = ? AND account = ?').get(modelId, account) as { balance: string } | undefined
    const next = BigInt(row?.balance ?? '0') + delta
    if (next === 0n) this.sql('DELETE FROM balances WHERE model_id = ? AND account = ?').run(modelId, account)
    else this.sql('INSERT INTO balances (model_id, account, balance) VALUES (?, ?, ?) ON CONFLICT (model_id, account) DO UPDATE SET balance = excluded.balance').run(modelId, account, next.toString())
  }
}
