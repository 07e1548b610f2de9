import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../../src/core/chain/local/ports.js'
import { openRepo } from '../../src/core/ipfs/storage/repo.js'
import { seededBytes } from '../helpers/bytes.js'
import { runCli } from '../helpers/cli.js'
import { tempHome } from '../helpers/tempHome.js'
import { writeTinyGguf } from '../../src/core/models/syntheticModel.js'

describe('model publish / get / info from the CLI (real anvil, real repos)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let weights: string
  beforeAll(async () => {
    home = await tempHome()
    weights = join(home.root, 'weights')
    await mkdir(weights)
    await writeTinyGguf(join(weights, 'model.gguf'))
    await writeFile(join(weights, 'tokenizer.json'), '{"tiny":true}\n')
    const up = await runCli(['chain', 'up', '--port', String(await findFreePort()), '--json'], { home: home.root })
    expect(up.code, up.stderr).toBe(0)
  })
  afterAll(async () => {
    await runCli(['chain', 'down'], { home: home.root })
    await home.cleanup()
  })

  it('publishes to IPFS and creates the model on chain; info and get resolve the model id', async () => {
    const published = await runCli(['model', 'publish', weights, '--name', 'tiny', '--dev-account', '0', '--yes', '--supply', '1000', '--json'], { home: home.root })
    expect(published.code, published.stderr).toBe(0)
    const { manifestCid, model } = published.json.result
    expect(model.modelId).toMatch(/^[1-9]\d*$/)
    expect(model.creator).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    expect(published.json.result.manifest.creator).toBe(model.creator)

    const info = await runCli(['model', 'info', model.modelId, '--json'], { home: home.root })
    expect(info.json.result.manifestCid).toBe(manifestCid)
    expect(info.json.result.modelId).toBe(model.modelId)

    const out = join(home.root, 'out')
    const got = await runCli(['model', 'get', model.modelId, '--out', out, '--json'], { home: home.root })
    expect(got.code, got.stderr).toBe(0)
    expect(await readFile(join(out, 'model.gguf'))).toEqual(await readFile(join(weights, 'model.gguf')))
  })

  it('publishing the same files and card again is a no-op on chain: the same manifest CID, the same model id', async () => {
    const own = join(home.root, 'twice')
    await mkdir(own)
    await writeFile(join(own, 'weights.bin'), seededBytes(50_000, 'twice'))
    const args = ['model', 'publish', own, '--name', 'twice', '--dev-account', '0', '--yes', '--json']
    const first = await runCli(args, { home: home.root })
    expect(first.code, first.stderr).toBe(0)
    expect(first.json.result.model.alreadyRegistered).toBe(false)
    const second = await runCli(args, { home: home.root })
    expect(second.code, second.stderr).toBe(0)
    expect(second.json.result.manifestCid).toBe(first.json.result.manifestCid)
    expect(second.json.result.model).toMatchObject({ modelId: first.json.result.model.modelId, transactionHash: first.json.result.model.transactionHash, alreadyRegistered: true })
    const stamped = await runCli([...args, '--created-at', 'now'], { home: home.root })
    expect(stamped.json.result.manifestCid).not.toBe(first.json.result.manifestCid)
    expect(stamped.json.result.model.alreadyRegistered).toBe(false)
    const bad = await runCli([...args, '--created-at', 'someday'], { home: home.root })
    expect(bad.json.error.code).toBe('TIME_INVALID')
  })

  it('an unknown model id says there is no such model on this chain', async () => {
    const { code, json } = await runCli(['model', 'info', '99', '--json'], { home: home.root })
    expect(code).toBe(3)
    expect(json.error).toMatchObject({ code: 'MODEL_UNKNOWN', message: 'There is no model 99 on chain 31337.' })
    const get = await runCli(['model', 'get', '99', '--out', join(home.root, 'nowhere')], { home: home.root })
    expect(get.stderr).toContain('There is no model 99 on chain 31337.')
  })

  it('asks for confirmation before sending: off a terminal without --yes it refuses, and drops the pins it added', async () => {
    const own = join(home.root, 'declined')
    await mkdir(own)
    await writeFile(join(own, 'weights.bin'), seededBytes(100_000, 'declined'))
    const { code, stderr } = await runCli(['model', 'publish', own, '--name', 'declined', '--dev-account', '0'], { home: home.root })
    expect(code).toBe(2)
    expect(stderr).toContain('needs confirmation')
    expect(stderr).toContain('--yes')
    const pins = await runCli(['ipfs', 'pins', '--json'], { home: home.root })
    expect(pins.json.result.pins.filter((pin: { label: string }) => pin.label.startsWith('declined'))).toEqual([])
  })

  it('ipfs unpin of a model card unpins the model (not files another model uses); gc then reclaims it', async () => {
    const own = join(home.root, 'removable')
    await mkdir(own)
    await writeFile(join(own, 'only-here.bin'), seededBytes(2_000_000, 'removable'))
    await writeFile(join(own, 'tokenizer.json'), '{"tiny":true}\n') // the same bytes as in the other model
    const published = await runCli(['model', 'publish', own, '--name', 'removable', '--ipfs-only', '--json'], { home: home.root })
    expect(published.code, published.stderr).toBe(0)
    await runCli(['model', 'publish', weights, '--name', 'tiny', '--ipfs-only', '--json'], { home: home.root })
    const unpinned = await runCli(['ipfs', 'unpin', published.json.result.manifestCid, '--json'], { home: home.root })
    expect(unpinned.code, unpinned.stderr).toBe(0)
    expect(unpinned.json.result.unpinned.map((root: { label: string }) => root.label).sort()).toEqual(['removable (manifest)', 'removable/only-here.bin'])
    const gc = await runCli(['ipfs', 'gc', '--json'], { home: home.root })
    expect(gc.json.result.reclaimedBytes).toBeGreaterThanOrEqual(2_000_000)
    const again = await runCli(['ipfs', 'unpin', published.json.result.manifestCid, '--json'], { home: home.root })
    expect(again.json.error.code).toBe('NOT_PINNED')
  })

  it('bad terms fail before any import work', async () => {
    const { code, json } = await runCli(['model', 'publish', weights, '--name', 'x', '--dev-account', '0', '--fee-share', '150', '--json'], { home: home.root })
    expect(code).toBe(2)
    expect(json.error.code).toBe('TERMS_INVALID')
  })

  it('a publish killed mid-way leaves the repo consistent; running it again finishes with the same CIDs', async () => {
    const big = join(home.root, 'big')
    await mkdir(big)
    // Five 80 MiB files: the first one finishing means at least one 64 MiB checkpoint is committed, with 320 MiB
    // still to go, so the kill lands mid-way by construction (triggered by that event, not by a timer).
    for (let i = 0; i < 5; i++) await writeFile(join(big, `part-${i}.bin`), seededBytes(80 * 1024 * 1024, `big-${i}`))
    const runJs = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
    const child = spawn(process.execPath, [runJs, 'model', 'publish', big, '--name', 'big', '--ipfs-only'], {
      env: { ...process.env, MODELDAO_HOME: home.root },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    // Off a terminal, publish prints one line on stderr per finished file.
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stderr! }).once('line', () => resolve())
      child.once('exit', (code) => reject(new Error(`publish exited (${code}) before finishing a file`)))
    })
    child.kill('SIGKILL')
    await exited
    const repo = openRepo(home.ipfs)
    const committed = (await repo.blockstore.stats()).blocks
    const pinned = repo.pins().filter((pin) => pin.label.startsWith('big')).length
    await repo.close()
    expect(committed).toBeGreaterThan(0)
    expect(committed).toBeLessThan(1600) // 400 MiB = 1600 leaves: it died part-way
    expect(pinned).toBe(0) // pins come last, after every file and the manifest

    // The killed writer left bytes past its last checkpoint in its pack file; gc gives them back.
    const tail = async () => {
      const check = openRepo(home.ipfs)
      const packs = check.blockstore.database.prepare('SELECT name, size FROM packs').all() as { name: string; size: number }[]
      await check.close()
      return packs.reduce((dead, pack) => dead + statSync(join(home.ipfs, 'blocks', 'packs', pack.name)).size - Number(pack.size), 0)
    }
    const deadTail = await tail()
    expect(deadTail).toBeGreaterThan(0)
    const gc = await runCli(['ipfs', 'gc', '--json'], { home: home.root })
    expect(gc.code, gc.stderr).toBe(0)
    expect(gc.json.result.reclaimedBytes).toBeGreaterThanOrEqual(deadTail)
    expect(await tail()).toBe(0)

    const again = await runCli(['model', 'publish', big, '--name', 'big', '--ipfs-only', '--json'], { home: home.root })
    expect(again.code, again.stderr).toBe(0)
    const fresh = await tempHome()
    const clean = await runCli(['model', 'publish', big, '--name', 'big', '--ipfs-only', '--json'], { home: fresh.root })
    // The manifest carries its creation time; the files' CIDs must be identical.
    const cids = (run: typeof again) => run.json.result.manifest.files.map((file: { cid: string }) => file.cid)
    expect(cids(again)).toEqual(cids(clean))
    expect(cids(again)).toHaveLength(5)
    await fresh.cleanup()
    const pins = await runCli(['ipfs', 'pins', '--json'], { home: home.root })
    expect(pins.json.result.pins.map((p: { cid: string }) => p.cid)).toContain(again.json.result.manifestCid)
  }, 180_000)

  it('a reverted createModel prints the decoded custom error with its arguments, exit 3, nothing sent', async () => {
    const overMax = (2n ** 96n).toString()
    const { code, json, stderr } = await runCli(['model', 'publish', weights, '--name', 'over-max', '--dev-account', '0', '--yes', '--supply', overMax, '--json'], { home: home.root })
    expect(code, stderr).toBe(3)
    expect(json.error).toMatchObject({
      code: 'REVERT_MODEL_SHARES_INVALID_SUPPLY',
      message: `ModelShares.createModel reverted: A share supply of ${overMax} is out of range (1 to ${2n ** 96n - 1n}).`,
      revert: { call: 'ModelShares.createModel', error: 'ModelSharesInvalidSupply', args: { supply: overMax, max: (2n ** 96n - 1n).toString() } },
    })
    expect(json.error.hints).toEqual(['Choose a supply within the range (--supply).'])
  })

  it('a reverted deployment (constructor) is decoded too, in text mode', async () => {
    const { code, stderr } = await runCli(['deploy', '--dev-account', '0', '--force', '--payment-token', '0x0000000000000000000000000000000000000000'], { home: home.root })
    expect(code).toBe(3)
    expect(stderr).toContain('Error: deploy ModelShares reverted: The payment token is the zero address.')
    expect(stderr).toContain('ModelSharesInvalidPaymentToken()')
    expect(stderr).not.toMatch(/Unexpected error|report it/)
  })

  it('a signer with no gas money gets INSUFFICIENT_FUNDS with a hint, not an internal error', async () => {
    const broke = '0x' + 'ab'.repeat(32)
    const { code, json } = await runCli(['model', 'publish', weights, '--name', 'tiny', '--yes', '--json'], { home: home.root, env: { MODELDAO_PRIVATE_KEY: broke } })
    expect(code).toBe(3)
    expect(json.error.code).toBe('INSUFFICIENT_FUNDS')
    expect(json.error.hints.join(' ')).toMatch(/wallet fund/)
  })

  it('a fresh keystore cannot publish until `wallet fund` gives it ETH and test stablecoin; then it can', async () => {
    const env = { MODELDAO_PASSWORD: 'pw' }
    const created = await runCli(['wallet', 'create', 'newcomer', '--kdf', 'light', '--json'], { home: home.root, env })
    expect(created.code, created.stderr).toBe(0)
    const broke = await runCli(['model', 'publish', weights, '--name', 'mine', '--account', 'newcomer', '--yes', '--json'], { home: home.root, env })
    expect(broke.json.error.code).toBe('INSUFFICIENT_FUNDS')
    const funded = await runCli(['wallet', 'fund', 'newcomer', '--eth', '2', '--tokens', '25000', '--json'], { home: home.root })
    expect(funded.code, funded.stderr).toBe(0)
    expect(funded.json.result.eth.amount).toBe('2')
    const balance = await runCli(['wallet', 'balance', 'newcomer', '--json'], { home: home.root })
    expect(balance.json.result.native.formatted).toBe('2')
    expect(balance.json.result.paymentToken.formatted).toBe('25000') // more than one faucet call's limit
    const published = await runCli(['model', 'publish', weights, '--name', 'mine', '--account', 'newcomer', '--yes', '--json'], { home: home.root, env })
    expect(published.code, published.stderr).toBe(0)
    expect(published.json.result.model.creator).toBe(created.json.result.address)
    const bad = await runCli(['wallet', 'fund', 'newcomer', '--eth', 'lots', '--json'], { home: home.root })
    expect(bad.json.error.code).toBe('AMOUNT_INVALID')
  })
})
