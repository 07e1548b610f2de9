import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { PackBlockstore } from './packBlockstore.js'

export type Pin = { cid: string; label: string; createdAt: string }

/**
 * The local IPFS repo under the home folder: a pack blockstore (blocks + SQLite index) and the pin set, which lives
 * in the same SQLite file so that pinning commits together with the blocks it protects.
 */
export class IpfsRepo {
  readonly folder: string
  readonly blockstore: PackBlockstore

  constructor(folder: string) {
    this.folder = folder
    this.blockstore = new PackBlockstore(join(folder, 'blocks'))
  }

  private ensurePins() {
    this.blockstore.database.exec('CREATE TABLE IF NOT EXISTS pins (cid TEXT PRIMARY KEY, label TEXT NOT NULL, created_at TEXT NOT NULL)')
  }

  /** Pins a root (after flushing its blocks, so a pin never points at blocks that are not durable). */
  async pin(cid: CID, label: string): Promise<void> {
    await this.blockstore.flush()
    this.ensurePins()
    this.blockstore.database
      .prepare('INSERT INTO pins (cid, label, created_at) VALUES (?, ?, ?) ON CONFLICT (cid) DO UPDATE SET label = excluded.label')
      .run(cid.toString(), label, new Date().toISOString())
  }

  unpin(cid: CID): boolean {
    this.ensurePins()
    return Number(this.blockstore.database.prepare('DELETE FROM pins WHERE cid = ?').run(cid.toString()).changes) > 0
  }

  pins(): Pin[] {
    this.ensurePins()
    return (this.blockstore.database.prepare('SELECT cid, label, created_at FROM pins ORDER BY created_at, cid').all() as {
      cid: string
      label: string
      created_at: string
    }[]).map((row) => ({ cid: row.cid, label: row.label, createdAt: row.created_at }))
  }

  async close(): Promise<void> {
    await this.blockstore.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/** Opens (creating if needed) the repo at `<home>/ipfs`. */
export function openRepo(ipfsFolder: string): IpfsRepo {
  const repo = new IpfsRepo(ipfsFolder)
  repo.blockstore.open()
  return repo
}
