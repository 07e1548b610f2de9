import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { ReceiptDraft } from './draft.js'

/** Receipt drafts in `<home>/serving/receipts.sqlite`: written when a request completes, kept across restarts. */
export class ReceiptStore {
  private readonly db: DatabaseSync
  private readonly insert
  private readonly byId
  private readonly countAll

  constructor(folder: string) {
    mkdirSync(folder, { recursive: true })
    this.db = new DatabaseSync(join(folder, 'receipts.sqlite'))
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;
      CREATE TABLE IF NOT EXISTS receipts (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, weights_cid TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS receipts_created ON receipts (created_at);`)
    this.insert = this.db.prepare('INSERT INTO receipts (id, created_at, weights_cid, body) VALUES (?, ?, ?, ?)')
    this.byId = this.db.prepare('SELECT body FROM receipts WHERE id = ?')
    this.countAll = this.db.prepare('SELECT count(*) AS n FROM receipts')
  }

  add(receipt: ReceiptDraft): void {
    // Log-probabilities of −∞ (a token the sampler could not have drawn) are stored as null: JSON has no infinity.
    this.insert.run(receipt.id, receipt.createdAt, receipt.weightsCid, JSON.stringify(receipt))
  }

  get(id: string): ReceiptDraft | undefined {
    const row = this.byId.get(id) as { body: string } | undefined
    return row ? (JSON.parse(row.body) as ReceiptDraft) : undefined
  }

  count(): number {
    return Number((this.countAll.get() as { n: number }).n)
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }
}
