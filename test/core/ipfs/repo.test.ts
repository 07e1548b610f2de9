import { spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { appendFile, mkdtemp, readdir, rm, writeFile, open } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readCarInto as importCar, writeCar as exportCar } from '../../../src/core/ipfs/formats/car.js'
import { cidProfile } from '../../../src/core/ipfs/formats/cidProfiles.js'
import { BlockCorruptError, CarInvalidError } from '../../../src/core/ipfs/errors.js'
import { collectGarbageIn as collectGarbage } from '../../../src/core/ipfs/storage/gc.js'
import { importFile } from '../../../src/core/ipfs/formats/importFile.js'
import { PackBlockstore } from '../../../src/core/ipfs/storage/packBlockstore.js'
import { openRepo, type IpfsRepo } from '../../../src/core/ipfs/storage/repo.js'
import { seededBytes } from '../../helpers/bytes.js'

const rawCid = async (bytes: Uint8Array) => CID.createV1(raw.code, await sha256.digest(bytes))

describe('pack blockstore and repo', () => {
  let dir: string
  let repo: IpfsRepo
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-repo-'))
    repo = openRepo(join(dir, 'repo'))
  })
  afterEach(async () => {
    await repo.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('stores, finds and returns blocks; a second put of the same bytes is a no-op', async () => {
    const bytes = seededBytes(1000)
    const cid = await rawCid(bytes)
    expect(repo.blockstore.has(cid)).toBe(false)
    expect(repo.blockstore.putBytes(cid, bytes)).toBe(true)
    expect(repo.blockstore.putBytes(cid, bytes)).toBe(false)
    expect(Buffer.from(repo.blockstore.getBytes(cid)).equals(Buffer.from(bytes))).toBe(true)
    await repo.blockstore.flush()
    const other = new PackBlockstore(join(dir, 'repo', 'blocks'))
    expect(Buffer.from(other.getBytes(cid)).equals(Buffer.from(bytes))).toBe(true)
    await other.close()
  })

  it('blocks not flushed are invisible to others and lost on a crash, never half-visible', async () => {
    const bytes = seededBytes(5000, 'crash')
    const cid = await rawCid(bytes)
    repo.blockstore.putBytes(cid, bytes)
    const other = new PackBlockstore(join(dir, 'repo', 'blocks'))
    expect(other.has(cid)).toBe(false)
    // A crash = the writer never flushes. A fresh store sees nothing and can store the block again.
    expect(other.putBytes(cid, bytes)).toBe(true)
    await other.flush()
    expect(Buffer.from(other.getBytes(cid)).equals(Buffer.from(bytes))).toBe(true)
    await other.close()
  })

  it('verifies every read: a flipped byte in a pack file is reported as a corrupt block', async () => {
    const bytes = seededBytes(4096, 'flip')
    const cid = await rawCid(bytes)
    repo.blockstore.putBytes(cid, bytes)
    await repo.close()
    const packs = join(dir, 'repo', 'blocks', 'packs')
    const [pack] = await readdir(packs)
    const handle = await open(join(packs, pack!), 'r+')
    await handle.write(Buffer.from([bytes[10]! ^ 0xff]), 0, 1, 10)
    await handle.close()
    repo = openRepo(join(dir, 'repo'))
    expect(() => repo.blockstore.getBytes(cid)).toThrow(BlockCorruptError)
  })

  it('gc drops unpinned DAGs, keeps pinned ones readable, and gives the disk space back', async () => {
    const keep = join(dir, 'keep.bin')
    const drop = join(dir, 'drop.bin')
    await writeFile(keep, seededBytes(700_000, 'keep'))
    await writeFile(drop, seededBytes(900_000, 'drop'))
    const kept = await importFile(repo.blockstore, keep, cidProfile('kubo-v1'))
    const dropped = await importFile(repo.blockstore, drop, cidProfile('kubo-v1'))
    await repo.pin(kept.cid, 'keep')
    await repo.pin(dropped.cid, 'drop')
    expect(repo.unpin(dropped.cid)).toBe(true)
    const before = await repo.blockstore.stats()
    const result = await collectGarbage(repo)
    const after = await repo.blockstore.stats()
    expect(result.removed).toBe(5) // 4 leaves + the root of drop.bin
    expect(after.blocks).toBe(before.blocks - 5)
    expect(after.packBytes).toBeLessThan(before.packBytes)
    expect(repo.blockstore.has(dropped.cid)).toBe(false)
    const out = join(dir, 'out.car')
    await exportCar(repo, kept.cid, out)
    expect((await importCar(openRepo(join(dir, 'fresh')), out)).roots).toEqual([kept.cid.toString()])
  })

  it('gc cuts the dead tail a writer killed between checkpoints left in its pack, keeping every indexed block', async () => {
    const blocks = [seededBytes(300_000, 'a'), seededBytes(300_000, 'b')]
    const cids = await Promise.all(blocks.map(rawCid))
    blocks.forEach((bytes, i) => repo.blockstore.putBytes(cids[i]!, bytes))
    for (const cid of cids) await repo.pin(cid, 'kept')
    await repo.close()
    // What a kill -9 leaves: bytes appended after the last checkpoint, never indexed, by a process that is gone.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const db = new DatabaseSync(join(dir, 'repo', 'blocks', 'index.sqlite'))
    const pack = db.prepare('SELECT name, size FROM packs').get() as { name: string; size: number }
    db.prepare('UPDATE packs SET owner_pid = ?').run(dead)
    db.close()
    const file = join(dir, 'repo', 'blocks', 'packs', pack.name)
    await appendFile(file, seededBytes(5_000_000, 'tail'))
    repo = openRepo(join(dir, 'repo'))
    const result = await collectGarbage(repo)
    expect(result.removed).toBe(0)
    expect(result.reclaimedBytes).toBe(5_000_000)
    expect(statSync(file).size).toBe(Number(pack.size))
    for (const [i, cid] of cids.entries()) expect(repo.blockstore.getBytes(cid)).toEqual(blocks[i])
  })

  it('CAR export → import into another repo round-trips and pins the root', async () => {
    const file = join(dir, 'f.bin')
    await writeFile(file, seededBytes(600_000, 'car'))
    const { cid } = await importFile(repo.blockstore, file, cidProfile('kubo-v1'))
    const car = join(dir, 'f.car')
    await exportCar(repo, cid, car)
    const other = openRepo(join(dir, 'other'))
    const result = await importCar(other, car)
    expect(result).toMatchObject({ roots: [cid.toString()], blocks: 4, newBlocks: 4 })
    expect(other.pins().map((p) => p.cid)).toEqual([cid.toString()])
    await other.close()
  })

  it('refuses a CAR with a tampered block, and one that lacks part of its DAG', async () => {
    const file = join(dir, 'f.bin')
    await writeFile(file, seededBytes(600_000, 'tamper'))
    const { cid } = await importFile(repo.blockstore, file, cidProfile('kubo-v1'))
    const car = join(dir, 'f.car')
    await exportCar(repo, cid, car)
    const bytes = Buffer.from(await (await import('node:fs/promises')).readFile(car))
    const tampered = Buffer.from(bytes)
    tampered[tampered.length - 100] = tampered[tampered.length - 100]! ^ 0xff
    await writeFile(join(dir, 'bad.car'), tampered)
    const other = openRepo(join(dir, 'other'))
    await expect(importCar(other, join(dir, 'bad.car'))).rejects.toThrow(/does not match its hash/)
    await writeFile(join(dir, 'short.car'), bytes.subarray(0, bytes.length - 200_000))
    await expect(importCar(other, join(dir, 'short.car'))).rejects.toBeInstanceOf(CarInvalidError)
    expect(other.pins()).toEqual([])
    expect((await other.blockstore.stats()).blocks).toBe(0)
    await other.close()
  })
})
