import { chmod, mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { getAddress, isHex, type Address, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { atomicWriteFile } from '../home/atomicWrite.js'
import {
  InvalidKeystoreNameError,
  KeystoreCorruptError,
  KeystoreExistsError,
  KeystoreNotFoundError,
  KeystoreWrongPasswordError,
  PrivateKeyInvalidError,
} from './errors.js'
import {
  decryptKeystore,
  encryptKeystore,
  KeystoreFormatError,
  KeystorePasswordMismatch,
  parseKeystore,
  type KdfStrength,
  type KeystoreV3,
} from './keystore.js'

export type WalletInfo = { name: string; address: Address | undefined; file: string }

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

function keystorePath(keystoresFolder: string, name: string): string {
  if (!NAME_PATTERN.test(name)) throw new InvalidKeystoreNameError(name)
  return join(keystoresFolder, `${name}.json`)
}

async function ensureFolder(keystoresFolder: string) {
  await mkdir(keystoresFolder, { recursive: true, mode: 0o700 })
}

async function writeNewKeystore(keystoresFolder: string, name: string, keystore: KeystoreV3): Promise<string> {
  const file = keystorePath(keystoresFolder, name)
  await ensureFolder(keystoresFolder)
  try {
    await atomicWriteFile(file, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600, exclusive: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new KeystoreExistsError(name, file)
    throw error
  }
  await chmod(file, 0o600)
  return file
}

/** Names of the keystores in the folder, sorted. */
export async function listKeystoreNames(keystoresFolder: string): Promise<string[]> {
  try {
    return (await readdir(keystoresFolder)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).map((f) => f.slice(0, -5)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

async function readKeystore(keystoresFolder: string, name: string): Promise<{ keystore: KeystoreV3; file: string }> {
  const file = keystorePath(keystoresFolder, name)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new KeystoreNotFoundError(name, await listKeystoreNames(keystoresFolder))
    throw error
  }
  try {
    return { keystore: parseKeystore(JSON.parse(text)), file }
  } catch (error) {
    throw new KeystoreCorruptError(name, error instanceof SyntaxError ? 'invalid JSON' : (error as Error).message)
  }
}

export type CreateKeystoreParams = { keystoresFolder: string; name: string; password: string; kdf?: KdfStrength | undefined }

/**
 * Makes a new random key and stores it encrypted as `<name>.json` (mode 0600). Never overwrites.
 * @throws {KeystoreExistsError} @throws {InvalidKeystoreNameError}
 * @example const { address } = await createKeystore({ keystoresFolder, name: 'alice', password })
 */
export async function createKeystore(params: CreateKeystoreParams): Promise<WalletInfo> {
  keystorePath(params.keystoresFolder, params.name)
  const privateKey = generatePrivateKey()
  const keystore = await encryptKeystore(privateKey, params.password, params.kdf)
  const file = await writeNewKeystore(params.keystoresFolder, params.name, keystore)
  return { name: params.name, address: privateKeyToAccount(privateKey).address, file }
}

export type ImportKeystoreParams = {
  keystoresFolder: string
  name: string
  password: string
  kdf?: KdfStrength | undefined
} & ({ privateKey: Hex; keystoreJson?: undefined } | { keystoreJson: string; privateKey?: undefined })

/**
 * Imports a raw private key (encrypted with `password`), or an existing v3 keystore file (geth, Foundry, ethers),
 * which must open with `password` and is stored with its own encryption.
 * @throws {KeystoreExistsError} @throws {KeystoreWrongPasswordError} @throws {KeystoreCorruptError}
 */
export async function importKeystore(params: ImportKeystoreParams): Promise<WalletInfo> {
  keystorePath(params.keystoresFolder, params.name)
  let keystore: KeystoreV3
  let address: Address
  if (params.privateKey !== undefined) {
    const key = params.privateKey.startsWith('0x') ? params.privateKey : (`0x${params.privateKey}` as Hex)
    if (!isHex(key) || key.length !== 66) {
      throw new PrivateKeyInvalidError('The private key must be 32 bytes of hex (64 hex digits, 0x optional).')
    }
    address = privateKeyToAccount(key).address
    keystore = await encryptKeystore(key, params.password, params.kdf)
  } else {
    try {
      keystore = parseKeystore(JSON.parse(params.keystoreJson))
      address = (await decryptKeystore(keystore, params.password)).address
    } catch (error) {
      if (error instanceof KeystorePasswordMismatch) throw new KeystoreWrongPasswordError(params.name)
      throw new KeystoreCorruptError(params.name, error instanceof SyntaxError ? 'invalid JSON' : (error as Error).message)
    }
    keystore = { ...keystore, address: address.slice(2).toLowerCase() }
  }
  const file = await writeNewKeystore(params.keystoresFolder, params.name, keystore)
  return { name: params.name, address, file }
}

/** Every keystore with the address it declares (no password needed). Unreadable files are listed without one. */
export async function listKeystores(keystoresFolder: string): Promise<WalletInfo[]> {
  const names = await listKeystoreNames(keystoresFolder)
  return Promise.all(
    names.map(async (name) => {
      try {
        const { keystore, file } = await readKeystore(keystoresFolder, name)
        return { name, file, address: keystore.address ? getAddress(`0x${keystore.address.replace(/^0x/, '')}`) : undefined }
      } catch {
        return { name, file: join(keystoresFolder, `${name}.json`), address: undefined }
      }
    }),
  )
}

/** The address a keystore declares, without decrypting it. */
export async function keystoreAddress(keystoresFolder: string, name: string): Promise<WalletInfo> {
  const { keystore, file } = await readKeystore(keystoresFolder, name)
  if (!keystore.address) throw new KeystoreCorruptError(name, 'it has no address field; unlock it once with the password')
  return { name, file, address: getAddress(`0x${keystore.address.replace(/^0x/, '')}`) }
}

/**
 * Decrypts a keystore into a signing account. The key stays in memory only.
 * @throws {KeystoreNotFoundError} @throws {KeystoreWrongPasswordError} @throws {KeystoreCorruptError}
 */
export async function unlockKeystore(keystoresFolder: string, name: string, password: string): Promise<PrivateKeyAccount> {
  const { keystore } = await readKeystore(keystoresFolder, name)
  try {
    const { privateKey } = await decryptKeystore(keystore, password)
    return privateKeyToAccount(privateKey)
  } catch (error) {
    if (error instanceof KeystorePasswordMismatch) throw new KeystoreWrongPasswordError(name)
    if (error instanceof KeystoreFormatError) throw new KeystoreCorruptError(name, error.message)
    throw error
  }
}
