import { randomUUID } from 'node:crypto'
import type { DatabaseSync } from 'node:sqlite'
import type { Pin, PinQuery, PinStatusName } from './types.js'

/** A pin request as stored: the API's fields less `delegates` (the daemon's current addresses, added on output). */
export type PinRequest = {
  requestid: string
  status: PinStatusName
  created: string
  pin: Pin
  info: Record<string, string>
}

/** A root a request holds in the repo's pin set; `owned` when the service pinned it (not a pin found already there). */
export type PinRequestRoot = { cid: string; owned: boolean }

type RequestRow = { requestid: string; cid: string; name: string | null; origins: string; meta: string; status: string; info: string; created: string }

/**
 * The pinning service's requests, in two tables of the repo's SQLite database (next to the pin set, so a request's
 * pins and its status commit together and survive restarts): `pinning_requests` and `pinning_roots`, the repo pins each
 * request holds. A root pinned by several requests stays pinned until the last of them is removed; a root that was
 * already pinned by someone else (a publish, `model get`) is only borrowed and never unpinned by the service.
 */
export class PinRequestStore {
  private lastCreated = 0

  constructor(private readonly db: DatabaseSync) {
    db.exec(`CREATE TABLE IF NOT EXISTS pinning_requests (
      requestid TEXT PRIMARY KEY, cid TEXT NOT NULL, name TEXT, origins TEXT NOT NULL, meta TEXT NOT NULL,
      status TEXT NOT NULL, info TEXT NOT NULL, created TEXT NOT NULL UNIQUE)`)
    db.exec('CREATE TABLE IF NOT EXISTS pinning_roots (requestid TEXT NOT NULL, cid TEXT NOT NULL, owned INTEGER NOT NULL, PRIMARY KEY (requestid, cid))')
    db.exec('CREATE INDEX IF NOT EXISTS pinning_roots_cid ON pinning_roots (cid)')
    const newest = db.prepare('SELECT MAX(created) AS created FROM pinning_requests').get() as { created: string | null } | undefined
    if (newest?.created) this.lastCreated = Date.parse(newest.created)
  }

  /** A `created` time unique across requests (pagination by `before` relies on it): never twice the same millisecond. */
  private nextCreated(): string {
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1)
    return new Date(this.lastCreated).toISOString()
  }

  /** Records a new request, `queued`. */
  add(pin: Pin): PinRequest {
    const request: PinRequest = { requestid: randomUUID(), status: 'queued', created: this.nextCreated(), pin, info: {} }
    this.db
      .prepare('INSERT INTO pinning_requests (requestid, cid, name, origins, meta, status, info, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(request.requestid, pin.cid, pin.name ?? null, JSON.stringify(pin.origins ?? []), JSON.stringify(pin.meta ?? {}), request.status, '{}', request.created)
    return request
  }

  get(requestid: string): PinRequest | undefined {
    const row = this.db.prepare('SELECT * FROM pinning_requests WHERE requestid = ?').get(requestid) as RequestRow | undefined
    return row ? fromRow(row) : undefined
  }

  has(requestid: string): boolean {
    return this.db.prepare('SELECT 1 FROM pinning_requests WHERE requestid = ?').get(requestid) !== undefined
  }

  setStatus(requestid: string, status: PinStatusName, info: Record<string, string>): void {
    this.db.prepare('UPDATE pinning_requests SET status = ?, info = ? WHERE requestid = ?').run(status, JSON.stringify(info), requestid)
  }

  /** Requests left `queued` or `pinning` (by a stop or a crash), oldest first, put back to `queued`. */
  unfinished(): PinRequest[] {
    this.db.prepare("UPDATE pinning_requests SET status = 'queued' WHERE status = 'pinning'").run()
    return (this.db.prepare("SELECT * FROM pinning_requests WHERE status = 'queued' ORDER BY created").all() as RequestRow[]).map(fromRow)
  }

  /** `GET /pins`: the matching requests, newest first, up to `limit`, and how many match in all. */
  list(query: PinQuery): { count: number; requests: PinRequest[] } {
    const where: string[] = []
    const args: (string | number)[] = []
    if (query.cid?.length) {
      where.push(`cid IN (${query.cid.map(() => '?').join(', ')})`)
      args.push(...query.cid)
    }
    const statuses = query.status?.length ? query.status : ['pinned']
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`)
    args.push(...statuses)
    if (query.before) {
      where.push('created < ?')
      args.push(query.before)
    }
    if (query.after) {
      where.push('created > ?')
      args.push(query.after)
    }
    // Name and meta are matched here rather than in SQL: LIKE's wildcards and case rules are not the spec's.
    const rows = (this.db.prepare(`SELECT * FROM pinning_requests WHERE ${where.join(' AND ')} ORDER BY created DESC`).all(...args) as RequestRow[])
      .map(fromRow)
      .filter((request) => query.name === undefined || nameMatches(request.pin.name, query.name, query.match ?? 'exact'))
      .filter((request) => !query.meta || Object.entries(query.meta).every(([key, value]) => request.pin.meta?.[key] === value))
    return { count: rows.length, requests: rows.slice(0, query.limit ?? 10) }
  }

  remove(requestid: string): void {
    this.db.prepare('DELETE FROM pinning_requests WHERE requestid = ?').run(requestid)
  }

  roots(requestid: string): PinRequestRoot[] {
    return (this.db.prepare('SELECT cid, owned FROM pinning_roots WHERE requestid = ?').all(requestid) as { cid: string; owned: number }[]).map((row) => ({
      cid: row.cid,
      owned: row.owned === 1,
    }))
  }

  /** True when some request holds `cid` as a root the service pinned itself. */
  owns(cid: string, exceptRequest?: string): boolean {
    return this.db.prepare('SELECT 1 FROM pinning_roots WHERE cid = ? AND owned = 1 AND requestid != ?').get(cid, exceptRequest ?? '') !== undefined
  }

  addRoot(requestid: string, root: PinRequestRoot): void {
    this.db
      .prepare('INSERT INTO pinning_roots (requestid, cid, owned) VALUES (?, ?, ?) ON CONFLICT (requestid, cid) DO UPDATE SET owned = MAX(owned, excluded.owned)')
      .run(requestid, root.cid, root.owned ? 1 : 0)
  }

  dropRoot(requestid: string, cid: string): void {
    this.db.prepare('DELETE FROM pinning_roots WHERE requestid = ? AND cid = ?').run(requestid, cid)
  }

  /** Hands the roots of one request to another (a replace keeps the old pins until the new request settles). */
  moveRoots(from: string, to: string): void {
    for (const root of this.roots(from)) {
      this.addRoot(to, root)
      this.dropRoot(from, root.cid)
    }
  }
}

function fromRow(row: RequestRow): PinRequest {
  const origins = JSON.parse(row.origins) as string[]
  const meta = JSON.parse(row.meta) as Record<string, string>
  return {
    requestid: row.requestid,
    status: row.status as PinStatusName,
    created: row.created,
    pin: {
      cid: row.cid,
      ...(row.name === null ? {} : { name: row.name }),
      ...(origins.length ? { origins } : {}),
      ...(Object.keys(meta).length ? { meta } : {}),
    },
    info: JSON.parse(row.info) as Record<string, string>,
  }
}

function nameMatches(name: string | undefined, wanted: string, match: NonNullable<PinQuery['match']>): boolean {
  if (name === undefined) return false
  switch (match) {
    case 'exact':
      return name === wanted
    case 'iexact':
      return name.toLowerCase() === wanted.toLowerCase()
    case 'partial':
      return name.includes(wanted)
    case 'ipartial':
      return name.toLowerCase().includes(wanted.toLowerCase())
  }
}
