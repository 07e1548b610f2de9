import { getAddress, type Address } from 'viem'
import type { ChainIndex } from './chainIndex.js'

/** A model as the index knows it. Amounts are decimal strings of base units. */
export type IndexedModel = {
  id: number
  creator: Address
  manifestCid: string
  /** From the manifest, when it was read once (local repo or a source given to `model list`). */
  name: string | undefined
  supply: string
  royaltyBps: number
  feeShareBps: number
  /** A scheduled split and the time (unix seconds) it takes effect. */
  nextFeeShare?: { bps: number; at: number } | undefined
  pricePerRequest: string
  admin: Address
  royaltyReceiver: Address
  /** Every fee ever paid into the model's pool (to date). */
  feesDeposited: string
  feesClaimed: string
  /** Accounts holding at least one share (shares on offer count for their seller). */
  holders: number
  createdBlock: number
}

export type OfferingState = 'open' | 'upcoming' | 'ended' | 'sold-out' | 'cancelled' | 'withdrawn'

export type IndexedOffering = {
  id: number
  modelId: number
  seller: Address
  paymentToken: Address
  amount: string
  remaining: string
  pricePerShare: string
  /** Unix seconds; 0 = from creation. */
  start: number
  /** Unix seconds; 0 = open-ended (the seller can cancel at any time). */
  end: number
  state: OfferingState
  createdBlock: number
}

export type Holder = { account: Address; balance: string; onOffer: string }

export type FeeEvent = { kind: 'deposited' | 'claimed'; block: number; tx: string; account: Address; amount: string }

type ModelRow = {
  id: number
  creator: string
  manifest_cid: string
  supply: string
  royalty_bps: number
  fee_share_bps: number
  next_fee_share_bps: number | null
  next_fee_share_at: number | null
  price_per_request: string
  admin: string
  royalty_receiver: string
  fees_deposited: string
  fees_claimed: string
  created_block: number
  name: string | null
}

type OfferingRow = {
  id: number
  model_id: number
  seller: string
  payment_token: string
  amount: string
  remaining: string
  price_per_share: string
  start: number
  end: number
  closed: string | null
  created_block: number
}

/** Orders base-unit amounts (decimal strings) ascending; an absent amount sorts last. */
export function compareAmounts(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  const [x, y] = [BigInt(a), BigInt(b)]
  return x === y ? 0 : x < y ? -1 : 1
}

/** Where an offering stands at `now` (the head block's time). */
export function offeringState(row: { remaining: string; start: number; end: number; closed: string | null }, now: number): OfferingState {
  if (row.closed === 'cancelled' || row.closed === 'withdrawn') return row.closed
  if (BigInt(row.remaining) === 0n) return 'sold-out'
  if (now < row.start) return 'upcoming'
  if (row.end !== 0 && now >= row.end) return 'ended'
  return 'open'
}

const toOffering = (row: OfferingRow, now: number): IndexedOffering => ({
  id: row.id,
  modelId: row.model_id,
  seller: getAddress(row.seller),
  paymentToken: getAddress(row.payment_token),
  amount: row.amount,
  remaining: row.remaining,
  pricePerShare: row.price_per_share,
  start: row.start,
  end: row.end,
  state: offeringState(row, now),
  createdBlock: row.created_block,
})

/** The market contract holds escrowed shares for their sellers: not a holder itself. */
function escrow(index: ChainIndex): string {
  return index.identity.shareOffering.toLowerCase()
}

/** Every model with its holder count, in id order. */
export function indexedModels(index: ChainIndex, ids?: readonly number[]): IndexedModel[] {
  const filter = ids ? `WHERE m.id IN (${ids.map(() => '?').join(',')})` : ''
  const rows = index.db
    .prepare(`SELECT m.*, n.name FROM models m LEFT JOIN manifest_names n ON n.cid = m.manifest_cid ${filter} ORDER BY m.id`)
    .all(...(ids ?? [])) as ModelRow[]
  const holders = new Map<number, number>()
  for (const { model_id, accounts } of index.db
    .prepare(
      `SELECT model_id, COUNT(DISTINCT account) AS accounts FROM (
         SELECT model_id, account FROM balances WHERE account != ?
         UNION SELECT model_id, seller AS account FROM offerings WHERE closed IS NULL AND remaining != '0'
       ) GROUP BY model_id`,
    )
    .all(escrow(index)) as { model_id: number; accounts: number }[]) {
    holders.set(model_id, accounts)
  }
  return rows.map((row) => ({
    id: row.id,
    creator: getAddress(row.creator),
    manifestCid: row.manifest_cid,
    name: row.name ?? undefined,
    supply: row.supply,
    royaltyBps: row.royalty_bps,
    feeShareBps: row.fee_share_bps,
    nextFeeShare: row.next_fee_share_at === null ? undefined : { bps: row.next_fee_share_bps ?? row.fee_share_bps, at: row.next_fee_share_at },
    pricePerRequest: row.price_per_request,
    admin: getAddress(row.admin),
    royaltyReceiver: getAddress(row.royalty_receiver),
    feesDeposited: row.fees_deposited,
    feesClaimed: row.fees_claimed,
    holders: holders.get(row.id) ?? 0,
    createdBlock: row.created_block,
  }))
}

/** Offerings, newest first, filtered by model, seller and whether they can still be bought from. */
export function indexedOfferings(index: ChainIndex, filter: { modelId?: number | undefined; seller?: string | undefined; live?: boolean | undefined; ids?: readonly number[] | undefined }, now: number): IndexedOffering[] {
  const where: string[] = []
  const values: (string | number)[] = []
  const add = (clause: string, ...params: (string | number)[]) => {
    where.push(clause)
    values.push(...params)
  }
  if (filter.modelId !== undefined) add('model_id = ?', filter.modelId)
  if (filter.seller !== undefined) add('seller = ?', filter.seller.toLowerCase())
  if (filter.ids) add(`id IN (${filter.ids.map(() => '?').join(',')})`, ...filter.ids)
  if (filter.live) add("closed IS NULL AND remaining != '0'")
  const rows = index.db.prepare(`SELECT * FROM offerings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC`).all(...values) as OfferingRow[]
  return rows.map((row) => toOffering(row, now))
}

/** One offer by id (as typed by a user), or undefined when there is none. */
export function offerById(index: ChainIndex, offeringId: number | string, now: number): IndexedOffering | undefined {
  const text = String(offeringId).trim()
  if (!/^\d+$/.test(text) || BigInt(text) === 0n || BigInt(text) > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  return indexedOfferings(index, { ids: [Number(text)] }, now)[0]
}

/** Per model: the lowest price a share is on offer for now in `paymentToken`, and how many shares are on offer in it. */
export function bestAsks(index: ChainIndex, now: number, paymentToken: string): Map<number, { price: bigint; amount: bigint }> {
  const asks = new Map<number, { price: bigint; amount: bigint }>()
  for (const offer of indexedOfferings(index, { live: true }, now)) {
    if (offer.state !== 'open' || offer.paymentToken.toLowerCase() !== paymentToken.toLowerCase()) continue
    const price = BigInt(offer.pricePerShare)
    const ask = asks.get(offer.modelId)
    asks.set(offer.modelId, { price: ask && ask.price < price ? ask.price : price, amount: (ask?.amount ?? 0n) + BigInt(offer.remaining) })
  }
  return asks
}

/** Model ids of which `account` holds shares in its wallet. */
export function heldModelIds(index: ChainIndex, account: string): Set<number> {
  const rows = index.db.prepare('SELECT model_id FROM balances WHERE account = ?').all(account.toLowerCase()) as { model_id: number }[]
  return new Set(rows.map((row) => row.model_id))
}

/** Holders of a model, largest first; shares a seller has on offer count for them. */
export function modelHolders(index: ChainIndex, modelId: number): Holder[] {
  const byAccount = new Map<string, { balance: bigint; onOffer: bigint }>()
  const entry = (account: string) => {
    let found = byAccount.get(account)
    if (!found) byAccount.set(account, (found = { balance: 0n, onOffer: 0n }))
    return found
  }
  for (const row of index.db.prepare('SELECT account, balance FROM balances WHERE model_id = ? AND account != ?').all(modelId, escrow(index)) as { account: string; balance: string }[]) {
    entry(row.account).balance += BigInt(row.balance)
  }
  for (const row of index.db.prepare("SELECT seller, remaining FROM offerings WHERE model_id = ? AND closed IS NULL AND remaining != '0'").all(modelId) as { seller: string; remaining: string }[]) {
    entry(row.seller).onOffer += BigInt(row.remaining)
  }
  return [...byAccount.entries()]
    .map(([account, { balance, onOffer }]) => ({ account: getAddress(account), total: balance + onOffer, balance: balance.toString(), onOffer: onOffer.toString() }))
    .sort((a, b) => (a.total === b.total ? a.account.localeCompare(b.account) : a.total > b.total ? -1 : 1))
    .map(({ account, balance, onOffer }) => ({ account, balance, onOffer }))
}

/** Fee deposits and claims of a model, newest first. */
export function modelFeeHistory(index: ChainIndex, modelId: number, limit = 50): FeeEvent[] {
  const rows = index.db
    .prepare("SELECT name, block, tx, args FROM events WHERE model_id = ? AND contract = 'ModelShares' AND name IN ('FeesDeposited', 'FeesClaimed') ORDER BY block DESC, log_index DESC LIMIT ?")
    .all(modelId, limit) as { name: string; block: number; tx: string; args: string }[]
  return rows.map((row) => {
    const args = JSON.parse(row.args) as { from?: string; account?: string; amount: string }
    return { kind: row.name === 'FeesDeposited' ? 'deposited' : 'claimed', block: row.block, tx: row.tx, account: getAddress((args.from ?? args.account)!), amount: args.amount }
  })
}

/** Model ids in which `account` holds shares, has shares on offer, or ever claimed fees (what a portfolio shows). */
export function accountModelIds(index: ChainIndex, account: string): number[] {
  const lower = account.toLowerCase()
  const rows = index.db
    .prepare(
      `SELECT model_id FROM balances WHERE account = ?
       UNION SELECT model_id FROM offerings WHERE seller = ? AND closed IS NULL AND remaining != '0'
       UNION SELECT model_id FROM events WHERE name = 'FeesClaimed' AND json_extract(args, '$.account') = ?
       ORDER BY model_id`,
    )
    .all(lower, lower, lower) as { model_id: number }[]
  return rows.map((row) => row.model_id)
}

/** Caches a manifest's name (manifest content never changes for a CID). */
export function rememberManifestName(index: ChainIndex, cid: string, name: string) {
  index.db.prepare('INSERT OR REPLACE INTO manifest_names (cid, name) VALUES (?, ?)').run(cid, name)
}

/** A digest of every derived table, for comparing an incrementally synced index with a fresh rebuild. */
export function indexContents(index: ChainIndex): Record<string, unknown[]> {
  const all = (sql: string) => index.db.prepare(sql).all().map((row) => ({ ...(row as object) }))
  return {
    models: all('SELECT * FROM models ORDER BY id'),
    balances: all('SELECT * FROM balances ORDER BY model_id, account'),
    offerings: all('SELECT * FROM offerings ORDER BY id'),
    events: all('SELECT block, log_index, tx, contract, name, model_id, offering_id, args FROM events ORDER BY block, log_index'),
  }
}
