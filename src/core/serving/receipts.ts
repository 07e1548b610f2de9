import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/**
 * What a node records of every completed request, to be signed (payments) and replayed (verification) later: enough to
 * re-run the exact prompt tokens through the registered weights and score each served token.
 */
export type ReceiptDraft = {
  id: string
  createdAt: string
  /** On-chain model id, when served by id. */
  modelId: string | null
  manifestCid: string | null
  /** UnixFS CID of the GGUF that produced the tokens. */
  weightsCid: string
  endpoint: 'chat' | 'completion'
  /** sha256 of the prompt token ids as little-endian uint32: the exact tokens the model saw, template applied. */
  promptHash: string
  promptTokens: number
  /**
   * The prompt's token ids, kept so that the client (or a validator holding the receipt) can replay it. Not part of
   * what is signed: the signature commits to their hash.
   */
  promptTokenIds?: number[] | undefined
  sampling: { temperature: number; topP: number; topK: number; seed: number; maxTokens: number; stop: string[] }
  outputTokens: number[]
  /** Per served token: log p under the distribution it was drawn from. */
  logprobs: number[]
  /** Per served token: the model's top logit minus the served token's (0 = the model's own first choice). */
  logitGaps: number[]
  finishReason: string
  /** The engine setup, which bounds what a replay can reproduce bit for bit. */
  engine: { backend: string; parallel: number; threads: number; contextSize: number }
}

/** sha256 of token ids as little-endian uint32. */
export function hashTokens(tokens: readonly number[]): string {
  const bytes = Buffer.alloc(tokens.length * 4)
  tokens.forEach((t, i) => bytes.writeUInt32LE(t, i * 4))
  return createHash('sha256').update(bytes).digest('hex')
}

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
