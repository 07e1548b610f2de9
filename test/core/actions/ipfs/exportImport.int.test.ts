import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collectGarbage } from '../../../../src/core/actions/ipfs/collectGarbage.js'
import { exportCar } from '../../../../src/core/actions/ipfs/exportCar.js'
import { importCar } from '../../../../src/core/actions/ipfs/importCar.js'
import { getModel } from '../../../../src/core/actions/models/getModel.js'
import { publishModel } from '../../../../src/core/actions/models/publishModel.js'
import { createModeldao, type ModeldaoContext } from '../../../../src/core/context/context.js'
import { writeCar } from '../../../../src/core/ipfs/formats/car.js'
import { parseCid } from '../../../../src/core/ipfs/formats/verify.js'
import { writeTinyGguf } from '../../../../src/core/models/syntheticModel.js'
import { seededBytes } from '../../../helpers/bytes.js'
import { tempHome } from '../../../helpers/tempHome.js'

describe('model export / import: a manifest CID carries the whole model', () => {
  let dir: Awaited<ReturnType<typeof tempHome>>
  let source: ModeldaoContext
  let target: ModeldaoContext
  let manifestCid: string
  let weights: string
  beforeEach(async () => {
    dir = await tempHome()
    source = createModeldao({ home: join(dir.root, 'a') })
    target = createModeldao({ home: join(dir.root, 'b') })
    weights = join(dir.root, 'weights')
    await mkdir(weights)
    await writeTinyGguf(join(weights, 'model.gguf'))
    await writeFile(join(weights, 'big.bin'), seededBytes(3 * 1024 * 1024 + 17, 'export')) // interior nodes too
    ;({ manifestCid } = await publishModel(source, { inputs: [weights], name: 'tiny', ipfsOnly: true }))
  })
  afterEach(async () => {
    await source.dispose()
    await target.dispose()
    await dir.cleanup()
  })

  it('exports manifest + every file, and the import alone is enough to get the model (even after gc)', async () => {
    const car = join(dir.root, 'model.car')
    const exported = await exportCar(source, { cid: manifestCid, path: car })
    expect(exported.files?.sort()).toEqual(['big.bin', 'model.gguf'])
    expect(exported.bytes).toBeGreaterThan(3 * 1024 * 1024)
    const imported = await importCar(target, { path: car })
    expect(imported.roots).toEqual([manifestCid])
    await collectGarbage(target) // the files are pinned with the manifest, so gc keeps them
    const out = join(dir.root, 'out')
    const got = await getModel(target, { ref: manifestCid, outDir: out })
    expect(got.files.map((file) => file.path).sort()).toEqual(['big.bin', 'model.gguf'])
    expect(await readFile(join(out, 'big.bin'))).toEqual(await readFile(join(weights, 'big.bin')))
  })

  it('a CAR with the manifest but not its files is refused, naming the missing file', async () => {
    const car = join(dir.root, 'manifest-only.car')
    await writeCar(source.repo(), parseCid(manifestCid), car) // what `model export` wrote before
    const error = await importCar(target, { path: car }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CAR_INVALID', exitCode: 3 })
    expect((error as Error).message).toMatch(/lacks block \S+ of file (big\.bin|model\.gguf) of "tiny"/)
    expect(target.repo().pins()).toEqual([])
  })

  it('get from a repo that has the manifest but not the files says what to do, not "internal error"', async () => {
    const repo = target.repo()
    const cid = parseCid(manifestCid)
    repo.blockstore.putBytes(cid, source.repo().blockstore.getBytes(cid), true)
    await repo.blockstore.flush()
    const error = await getModel(target, { ref: manifestCid, outDir: join(dir.root, 'out2') }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MODEL_INCOMPLETE', exitCode: 4 })
    expect((error as { hints: string[] }).hints[0]).toMatch(/--gateway|import a CAR/)
  })
})
