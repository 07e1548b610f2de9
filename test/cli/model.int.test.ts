import { spawn } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
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
    expect(model.modelId).toBe('1')
    expect(model.creator).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    expect(published.json.result.manifest.creator).toBe(model.creator)

    const info = await runCli(['model', 'info', '1', '--json'], { home: home.root })
    expect(info.json.result.manifestCid).toBe(manifestCid)

    const out = join(home.root, 'out')
    const got = await runCli(['model', 'get', '1', '--out', out, '--json'], { home: home.root })
    expect(got.code, got.stderr).toBe(0)
    expect(await readFile(join(out, 'model.gguf'))).toEqual(await readFile(join(weights, 'model.gguf')))
  })

  it('asks for confirmation before sending: off a terminal without --yes it refuses, after publishing to IPFS', async () => {
    const { code, stderr } = await runCli(['model', 'publish', weights, '--name', 'tiny', '--dev-account', '0'], { home: home.root })
    expect(code).toBe(2)
    expect(stderr).toContain('needs confirmation')
    expect(stderr).toContain('--yes')
  })

  it('bad terms fail before any import work', async () => {
    const { code, json } = await runCli(['model', 'publish', weights, '--name', 'x', '--dev-account', '0', '--fee-share', '150', '--json'], { home: home.root })
    expect(code).toBe(2)
    expect(json.error.code).toBe('TERMS_INVALID')
  })

  it('a publish killed mid-way leaves the repo consistent; running it again finishes with the same CIDs', async () => {
    const big = join(home.root, 'big')
    await mkdir(big)
    await writeFile(join(big, 'weights.bin'), seededBytes(300 * 1024 * 1024, 'big'))
    const runJs = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
    const child = spawn(process.execPath, [runJs, 'model', 'publish', big, '--name', 'big', '--ipfs-only'], {
      env: { ...process.env, MODELDAO_HOME: home.root },
      stdio: 'ignore',
    })
    // Kill it once at least one 64 MiB checkpoint is committed, well before the end.
    const repo = openRepo(home.ipfs)
    const deadline = Date.now() + 60_000
    while ((await repo.blockstore.stats()).blocks === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    const committed = (await repo.blockstore.stats()).blocks
    await repo.close()
    expect(committed).toBeGreaterThan(0)
    expect(committed).toBeLessThan(1200) // 300 MiB = 1200 leaves: it died part-way

    const again = await runCli(['model', 'publish', big, '--name', 'big', '--ipfs-only', '--json'], { home: home.root })
    expect(again.code, again.stderr).toBe(0)
    const fresh = await tempHome()
    const clean = await runCli(['model', 'publish', big, '--name', 'big', '--ipfs-only', '--json'], { home: fresh.root })
    expect(again.json.result.manifest.files[0].cid).toBe(clean.json.result.manifest.files[0].cid)
    await fresh.cleanup()
    const pins = await runCli(['ipfs', 'pins', '--json'], { home: home.root })
    expect(pins.json.result.pins.map((p: { cid: string }) => p.cid)).toContain(again.json.result.manifestCid)
  }, 180_000)
})
