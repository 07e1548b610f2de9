import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address } from 'viem'
import { atomicWriteFile } from '../home/atomicWrite.js'
import type { ReceiptFault } from '../receipts/check.js'

/** What a client keeps when a node takes payment and withholds or falsifies the receipt: enough to prove it. */
export type FaultEvidence = {
  /** withheld: no receipt; invalid: not this exchange's receipt; audit: an audit replayed it as a mismatch; overbilled: billed beyond the quoted prices and the answers got. */
  kind: 'withheld' | 'invalid' | 'audit' | 'overbilled'
  at: string
  node: string
  operator: Address
  chainId: number
  /** The request body as sent. */
  request: unknown
  /** What came back: the text and the reported usage. */
  received: { text: string; usage: Record<string, unknown> | undefined }
  /** The payment this client signed for it (a channel voucher with its signature, or an exact authorization). */
  payment: Record<string, unknown>
  /** The receipt as the node sent it, if any. */
  receipt: unknown
  faults: readonly ReceiptFault[]
}

/**
 * A client's record of faulty operators, one evidence file each under `<home>/client/faults/`: written atomically,
 * never overwritten, read before anything is signed to an operator.
 */
export class FaultBook {
  private readonly folder: string
  constructor(clientFolder: string) {
    this.folder = join(clientFolder, 'faults')
  }

  /** Keeps the evidence; returns its file. */
  async record(evidence: FaultEvidence): Promise<string> {
    const file = join(this.folder, `${evidence.operator.toLowerCase()}-${evidence.at.replace(/[:.]/g, '-')}-${evidence.kind}.json`)
    await atomicWriteFile(file, `${JSON.stringify(evidence, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`, { exclusive: true })
    return file
  }

  /** The evidence files recorded against an operator. */
  async of(operator: Address): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.folder)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const prefix = `${operator.toLowerCase()}-`
    return names.filter((n) => n.startsWith(prefix) && n.endsWith('.json')).map((n) => join(this.folder, n))
  }
}
