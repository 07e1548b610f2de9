import { readFile, writeFile } from 'node:fs/promises'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chainHome, homeOnChain, type ChainHome } from '../helpers/chainHome.js'
import { runCli } from '../helpers/cli.js'
import { tempHome } from '../helpers/tempHome.js'

// Every test stands alone: one shared chain that no test changes, and a fresh home per test; tests that stop a chain
// or replace its deployment start their own.
describe('modeldao CLI (built, spawned)', () => {
  let shared: ChainHome
  let home: Awaited<ReturnType<typeof homeOnChain>>
  beforeAll(async () => {
    shared = await chainHome()
  })
  afterAll(async () => {
    await shared.stop()
  })
  beforeEach(async () => {
    home = await homeOnChain(shared)
  })
  afterEach(async () => {
    await home.cleanup()
  })

  it('--help lists the topics', async () => {
    const { code, stdout } = await runCli(['--help'], { home: home.root })
    expect(code).toBe(0)
    expect(stdout).toMatch(/chain\s+Run and inspect the local chain/)
    expect(stdout).toMatch(/wallet\s+Create, import and inspect encrypted keystores/)
    expect(stdout).toMatch(/deploy\s+Deploy the modeldao protocol/)
  })

  it('suggests the closest command for a typo, exit 2', async () => {
    const { code, stderr } = await runCli(['chain', 'stauts'], { home: home.root })
    expect(code).toBe(2)
    expect(stderr).toContain('Did you mean `modeldao chain status`?')
  })

  it('suggests the closest flag and keeps the JSON envelope for --json', async () => {
    const { code, json } = await runCli(['chain', 'status', '--rpc-ur', 'x', '--json'], { home: home.root })
    expect(code).toBe(2)
    expect(json).toEqual({
      status: 2,
      error: { code: 'USAGE', message: 'Nonexistent flag: --rpc-ur', hints: ['Did you mean --rpc-url?', 'See --help for usage.'] },
      warnings: [],
    })
  })

  it('status before chain up: clear error, exit 4', async () => {
    const { code, stderr } = await runCli(['chain', 'status'], { home: home.root })
    expect(code).toBe(4)
    expect(stderr).toContain('The local chain is not running.')
    expect(stderr).toContain('modeldao chain up')
  })

  it('chain up --json, then status --json shows a block number and the deployed addresses', async () => {
    const token = JSON.parse(await readFile(`${shared.deployments}/31337.json`, 'utf8')).contracts.TestUSD.address
    expect(shared.rpcUrl).toBe(`http://127.0.0.1:${shared.port}`)
    const status = await runCli(['chain', 'status', '--json'], { home: shared.root })
    expect(status.code).toBe(0)
    expect(Number(status.json.result.blockNumber)).toBeGreaterThan(0)
    expect(status.json.result.deployments.contracts.TestUSD.address).toBe(token)
    expect(status.json.result.healthy).toBe(true)

    const again = await runCli(['chain', 'up', '--json'], { home: shared.root })
    expect(again.json.result.alreadyRunning).toBe(true)
    expect(again.json.result.record.pid).toBe(status.json.result.local.pid)
  })

  it('chain advance moves time; a bad duration is a usage error', async () => {
    const ok = await runCli(['chain', 'advance', '--time', '2d', '--json', ...home.args], { home: home.root })
    expect(ok.code).toBe(0)
    expect(ok.json.result.advancedSeconds).toBe(172_800)
    const bad = await runCli(['chain', 'advance', '--time', 'soon', ...home.args], { home: home.root })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('Cannot read "soon" as a duration.')
  })

  it('--chain-id that the endpoint does not report is refused', async () => {
    const { code, json } = await runCli(['chain', 'status', '--chain-id', '5', '--json', ...home.args], { home: home.root })
    expect(code).toBe(3)
    expect(json.error.code).toBe('CHAIN_ID_MISMATCH')
  })

  it('chain down then chain up keeps the chain (block height and deployments)', async () => {
    const own = await chainHome()
    const home = own
    const port = own.port
    const before = await runCli(['chain', 'status', '--json'], { home: home.root })
    const down = await runCli(['chain', 'down', '--json'], { home: home.root })
    expect(down.json.result.stopped).toBe(true)
    const up = await runCli(['chain', 'up', '--port', String(port), '--json'], { home: home.root })
    expect(up.json.result.restoredState).toBe(true)
    expect(up.json.result.deployed).toBe(false)
    const after = await runCli(['chain', 'status', '--json'], { home: home.root })
    expect(Number(after.json.result.blockNumber)).toBeGreaterThanOrEqual(Number(before.json.result.blockNumber))
    expect(after.json.result.deployments).toEqual(before.json.result.deployments)
    await own.stop()
  })

  it('wallet create then wallet list round-trips; the key is never printed', async () => {
    const env = { MODELDAO_PASSWORD: 'hunter2' }
    const created = await runCli(['wallet', 'create', 'alice', '--kdf', 'light', '--json'], { home: home.root, env })
    expect(created.code, created.stderr).toBe(0)
    const { address, file } = created.json.result
    const keystore = JSON.parse(await readFile(file, 'utf8'))
    expect(created.stdout + created.stderr).not.toContain(keystore.crypto.ciphertext)

    const list = await runCli(['wallet', 'list', '--json'], { home: home.root })
    expect(list.json.result.wallets).toEqual([{ name: 'alice', address, file }])
    const addr = await runCli(['wallet', 'address', 'alice'], { home: home.root })
    expect(addr.stdout.trim()).toBe(address)
    const balance = await runCli(['wallet', 'balance', 'alice', '--json', ...home.args], { home: home.root })
    expect(balance.json.result.native.raw).toBe('0')
    expect(balance.json.result.paymentToken.symbol).toBe('tUSD')
  })

  it('signing with a wrong password fails with exit 3 and changes no file', async () => {
    await runCli(['wallet', 'create', 'alice', '--kdf', 'light'], { home: home.root, env: { MODELDAO_PASSWORD: 'hunter2' } })
    const before = await readFile(`${home.keystores}/alice.json`, 'utf8')
    const deployments = await readFile(`${home.deployments}/31337.json`, 'utf8')
    const { code, stderr } = await runCli(['deploy', '--account', 'alice', '--force', ...home.args], { home: home.root, env: { MODELDAO_PASSWORD: 'wrong' } })
    expect(code).toBe(3)
    expect(stderr).toContain('Wrong password for keystore "alice".')
    expect(await readFile(`${home.keystores}/alice.json`, 'utf8')).toBe(before)
    expect(await readFile(`${home.deployments}/31337.json`, 'utf8')).toBe(deployments)
  })

  it('without a password source and without a terminal, says how to give one', async () => {
    const { code, stderr } = await runCli(['wallet', 'create', 'bob'], { home: home.root })
    expect(code).toBe(2)
    expect(stderr).toContain('MODELDAO_PASSWORD')
  })

  it('a missing keystore names the ones that exist', async () => {
    await runCli(['wallet', 'create', 'alice', '--kdf', 'light'], { home: home.root, env: { MODELDAO_PASSWORD: 'hunter2' } })
    const { code, json } = await runCli(['wallet', 'address', 'nobody', '--json'], { home: home.root })
    expect(code).toBe(3)
    expect(json.error).toMatchObject({ code: 'KEYSTORE_NOT_FOUND', details: 'Available: alice.' })
  })

  it('deploy with a dev account on the local chain replaces the deployment with --force', async () => {
    const { code, json, stderr } = await runCli(['deploy', '--dev-account', '1', '--force', '--json', ...home.args], { home: home.root })
    expect(code, stderr).toBe(0)
    expect(json.result.deployments.deployer).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    expect(JSON.parse(await readFile(`${home.deployments}/31337.json.bak`, 'utf8')).deployer).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
  })

  it('a second home on the same chain is told to adopt the deployment, and can', async () => {
    const second = await tempHome()
    try {
      const before = await runCli(['model', 'info', '1', '--rpc-url', shared.rpcUrl, '--json'], { home: second.root })
      expect(before.json.error.code).toBe('NOT_DEPLOYED')
      expect(before.json.error.hints[0]).toContain('modeldao chain adopt')
      const adopted = await runCli(['chain', 'adopt', `${shared.deployments}/31337.json`, '--rpc-url', shared.rpcUrl, '--json'], { home: second.root })
      expect(adopted.code, adopted.stderr).toBe(0)
      const status = await runCli(['chain', 'status', '--rpc-url', shared.rpcUrl, '--json'], { home: second.root })
      expect(status.json.result.healthy).toBe(true)
      const again = await runCli(['chain', 'adopt', `${shared.deployments}/31337.json`, '--rpc-url', shared.rpcUrl, '--json'], { home: second.root })
      expect(again.json.error.code).toBe('ALREADY_DEPLOYED')
      const forged = `${second.root}/forged.json`
      const text = JSON.parse(await readFile(`${shared.deployments}/31337.json`, 'utf8'))
      text.contracts.ModelShares.address = '0x000000000000000000000000000000000000dEaD'
      await writeFile(forged, JSON.stringify(text))
      const refused = await runCli(['chain', 'adopt', forged, '--force', '--rpc-url', shared.rpcUrl, '--json'], { home: second.root })
      expect(refused.json.error).toMatchObject({ code: 'DEPLOYMENTS_MISMATCH', details: expect.stringContaining('no code at ModelShares') })
    } finally {
      await second.cleanup()
    }
  })

  it('under --json a usage error carries its whole message (missing flag, bad value), as in text mode', async () => {
    const missing = await runCli(['model', 'publish', 'f', '--ipfs-only', '--json'], { home: home.root })
    expect(missing.code).toBe(2)
    expect(missing.json.error.code).toBe('USAGE')
    expect(missing.json.error.message).toMatch(/Missing required flag name/)
    const badValue = await runCli(['chain', 'mine', '--blocks', 'many', '--json'], { home: home.root })
    expect(badValue.code).toBe(2)
    expect(badValue.json.error.message).toMatch(/many/)
    expect(badValue.json.error.message).not.toBe('The following error occurred:')
  })
})
