import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** How one node fared in this validator's spot checks. */
/** failed: the receipt did not fit or did not replay; withheld: a paid answer came without its receipt (a fault too). */
export type ProbeRecord = { probes: number; passed: number; failed: number; withheld: number; unverifiable: number }

/**
 * A validator's record of its spot checks in `<home>/validator/probes.sqlite`: one row per probe (chain, model,
 * operator, verdict), so `node list` can show each node's probe pass rate as this validator saw it.
 */
export class ProbeLog {
  private readonly db: DatabaseSync

  constructor(folder: string) {
    mkdirSync(folder, { recursive: true })
    this.db = new DatabaseSync(join(folder, 'probes.sqlite'))
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;
      CREATE TABLE IF NOT EXISTS probes (chain_id INTEGER NOT NULL, model_id TEXT NOT NULL, operator TEXT NOT NULL, receipt_id TEXT NOT NULL, verdict TEXT NOT NULL, at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS probes_node ON probes (chain_id, model_id, operator);`)
  }

  add(chainId: number, modelId: string, operator: string, receiptId: string, verdict: 'match' | 'mismatch' | 'withheld' | 'unverifiable') {
    this.db.prepare('INSERT INTO probes (chain_id, model_id, operator, receipt_id, verdict, at) VALUES (?, ?, ?, ?, ?, ?)').run(chainId, modelId, operator.toLowerCase(), receiptId, verdict, new Date().toISOString())
  }

  record(chainId: number, modelId: string, operator: string): ProbeRecord {
    const rows = this.db.prepare('SELECT verdict, count(*) AS n FROM probes WHERE chain_id = ? AND model_id = ? AND operator = ? GROUP BY verdict').all(chainId, modelId, operator.toLowerCase()) as { verdict: string; n: number }[]
    const count = (verdict: string) => Number(rows.find((r) => r.verdict === verdict)?.n ?? 0)
    const passed = count('match')
    const failed = count('mismatch')
    const withheld = count('withheld')
    const unverifiable = count('unverifiable')
    return { probes: passed + failed + withheld + unverifiable, passed, failed, withheld, unverifiable }
  }

  close() {
    if (this.db.isOpen) this.db.close()
  }
}
