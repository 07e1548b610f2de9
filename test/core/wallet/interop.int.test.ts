import { execFile } from 'node:child_process'
import { mkdir, readFile, stat, writeFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findFoundryTool } from '../../../src/core/tools/binaries.js'
import { KeystoreCorruptError, KeystoreExistsError, KeystoreNotFoundError, KeystoreWrongPasswordError } from '../../../src/core/wallet/errors.js'
import { createKeystore as createWallet, importKeystore as importWallet, listKeystores as listWallets, unlockKeystore as unlockWallet, keystoreAddress as walletAddress } from '../../../src/core/wallet/store.js'
import { tempHome } from '../../helpers/tempHome.js'

const run = promisify(execFile)
const cast = findFoundryTool('cast')

describe('keystores against Foundry cast (real binary)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => home.cleanup())

  it('writes keystores that `cast wallet` opens, with mode 0600', async () => {
    const wallet = await createWallet({ keystoresFolder: home.keystores, name: 'alice', password: 'pw', kdf: 'light' })
    const { stdout } = await run(cast, ['wallet', 'address', '--keystore', wallet.file, '--password', 'pw'])
    expect(stdout.trim()).toBe(wallet.address)
    expect((await stat(wallet.file)).mode & 0o777).toBe(0o600)
  })

  it('opens standard-strength keystores in cast too', async () => {
    const wallet = await createWallet({ keystoresFolder: home.keystores, name: 'std', password: 'pw' })
    const { stdout } = await run(cast, ['wallet', 'address', '--keystore', wallet.file, '--password', 'pw'])
    expect(stdout.trim()).toBe(wallet.address)
  })

  it('imports a keystore made by `cast wallet new` and unlocks it', async () => {
    const castDir = join(home.root, 'cast')
    await mkdir(castDir)
    const { stdout } = await run(cast, ['wallet', 'new', castDir, 'bob', '--unsafe-password', 'pw'])
    const address = /Address:\s+(0x[0-9a-fA-F]{40})/.exec(stdout)![1]!
    const keystoreJson = await readFile(join(castDir, 'bob'), 'utf8')
    const imported = await importWallet({ keystoresFolder: home.keystores, name: 'bob', password: 'pw', keystoreJson })
    expect(imported.address).toBe(address)
    expect((await unlockWallet(home.keystores, 'bob', 'pw')).address).toBe(address)
    expect((await walletAddress(home.keystores, 'bob')).address).toBe(address)
  })

  it('refuses a cast keystore with the wrong password and writes nothing', async () => {
    const castDir = join(home.root, 'cast')
    await mkdir(castDir)
    await run(cast, ['wallet', 'new', castDir, 'carol', '--unsafe-password', 'pw'])
    const keystoreJson = await readFile(join(castDir, 'carol'), 'utf8')
    await expect(importWallet({ keystoresFolder: home.keystores, name: 'carol', password: 'nope', keystoreJson })).rejects.toBeInstanceOf(
      KeystoreWrongPasswordError,
    )
    expect(await listWallets(home.keystores)).toEqual([])
  })

  it('imports a raw key that cast derives the same address from', async () => {
    const key = `0x${'11'.repeat(32)}` as const
    const wallet = await importWallet({ keystoresFolder: home.keystores, name: 'raw', password: 'pw', privateKey: key, kdf: 'light' })
    const { stdout } = await run(cast, ['wallet', 'address', '--private-key', key])
    expect(wallet.address).toBe(stdout.trim())
  })
})

describe('keystore store errors', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => home.cleanup())

  it('never overwrites an existing keystore', async () => {
    const first = await createWallet({ keystoresFolder: home.keystores, name: 'a', password: 'pw', kdf: 'light' })
    const before = await readFile(first.file, 'utf8')
    await expect(createWallet({ keystoresFolder: home.keystores, name: 'a', password: 'other', kdf: 'light' })).rejects.toBeInstanceOf(KeystoreExistsError)
    expect(await readFile(first.file, 'utf8')).toBe(before)
    expect((await readdir(home.keystores)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('names the keystores that exist when one is missing', async () => {
    await createWallet({ keystoresFolder: home.keystores, name: 'present', password: 'pw', kdf: 'light' })
    const error = await unlockWallet(home.keystores, 'absent', 'pw').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeystoreNotFoundError)
    expect((error as Error).message).toContain('Available: present.')
  })

  it('reports a corrupt keystore without changing it', async () => {
    const wallet = await createWallet({ keystoresFolder: home.keystores, name: 'c', password: 'pw', kdf: 'light' })
    await writeFile(wallet.file, '{"version":3,"crypto":', { mode: 0o600 })
    await expect(unlockWallet(home.keystores, 'c', 'pw')).rejects.toBeInstanceOf(KeystoreCorruptError)
    expect(await readFile(wallet.file, 'utf8')).toBe('{"version":3,"crypto":')
    expect(await listWallets(home.keystores)).toEqual([{ name: 'c', file: wallet.file, address: undefined }])
  })

  it('wrong password on unlock leaves the file as it was', async () => {
    const wallet = await createWallet({ keystoresFolder: home.keystores, name: 'w', password: 'pw', kdf: 'light' })
    const before = await readFile(wallet.file, 'utf8')
    await expect(unlockWallet(home.keystores, 'w', 'bad')).rejects.toBeInstanceOf(KeystoreWrongPasswordError)
    expect(await readFile(wallet.file, 'utf8')).toBe(before)
  })
})
