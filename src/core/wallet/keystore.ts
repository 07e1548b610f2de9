import { createCipheriv, createDecipheriv, pbkdf2, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { bytesToHex, hexToBytes, keccak256, type Address, type Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'

const scryptAsync = promisify(scrypt) as (password: Buffer, salt: Buffer, keylen: number, options: object) => Promise<Buffer>
const pbkdf2Async = promisify(pbkdf2)

/** Web3 Secret Storage v3, as written by geth, Foundry (`cast wallet`) and ethers. */
export type KeystoreV3 = {
  version: 3
  id: string
  address?: string
  crypto: {
    cipher: 'aes-128-ctr'
    cipherparams: { iv: string }
    ciphertext: string
    kdf: 'scrypt' | 'pbkdf2'
    kdfparams: ScryptParams | Pbkdf2Params
    mac: string
  }
}
type ScryptParams = { dklen: number; n: number; r: number; p: number; salt: string }
type Pbkdf2Params = { dklen: number; c: number; prf: 'hmac-sha256'; salt: string }

/**
 * scrypt strengths, both geth's: `standard` (n=2^18, r=8, p=1, ~256 MiB, about a second) for real keys, `light`
 * (n=2^12, r=8, p=6) for throwaway ones. Both are read by geth, Foundry and ethers.
 */
export const scryptStrengths = {
  standard: { n: 262_144, r: 8, p: 1 },
  light: { n: 4_096, r: 8, p: 6 },
} as const
export type KdfStrength = keyof typeof scryptStrengths

/** Thrown on a MAC mismatch: the password is wrong (or the ciphertext was altered). */
export class KeystorePasswordMismatch extends Error {}
/** Thrown when the file does not have the v3 shape. */
export class KeystoreFormatError extends Error {}

const strip0x = (hex: string) => (hex.startsWith('0x') ? hex.slice(2) : hex)

async function deriveKey(password: string, kdf: KeystoreV3['crypto']['kdf'], params: ScryptParams | Pbkdf2Params): Promise<Buffer> {
  const salt = Buffer.from(strip0x(params.salt), 'hex')
  if (kdf === 'scrypt') {
    const { n, r, p, dklen } = params as ScryptParams
    // Node caps scrypt memory at 32 MiB by default; n=2^18, r=8 needs 256 MiB.
    return scryptAsync(Buffer.from(password.normalize('NFKC')), salt, dklen, { N: n, r, p, maxmem: 128 * n * r * p + 64 * 1024 * 1024 })
  }
  const { c, dklen, prf } = params as Pbkdf2Params
  if (prf !== 'hmac-sha256') throw new KeystoreFormatError(`unsupported pbkdf2 prf "${prf}"`)
  return pbkdf2Async(Buffer.from(password.normalize('NFKC')), salt, c, dklen, 'sha256')
}

function macOf(derivedKey: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.from(hexToBytes(keccak256(Buffer.concat([derivedKey.subarray(16, 32), ciphertext]))))
}

/** Encrypts a private key into a v3 keystore with scrypt. */
export async function encryptKeystore(privateKey: Hex, password: string, strength: KdfStrength = 'standard'): Promise<KeystoreV3> {
  const salt = randomBytes(32)
  const iv = randomBytes(16)
  const kdfparams: ScryptParams = { dklen: 32, ...scryptStrengths[strength], salt: salt.toString('hex') }
  const derivedKey = await deriveKey(password, 'scrypt', kdfparams)
  const cipher = createCipheriv('aes-128-ctr', derivedKey.subarray(0, 16), iv)
  const ciphertext = Buffer.concat([cipher.update(hexToBytes(privateKey)), cipher.final()])
  return {
    version: 3,
    id: randomUUID(),
    address: strip0x(privateKeyToAddress(privateKey)).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams,
      mac: macOf(derivedKey, ciphertext).toString('hex'),
    },
  }
}

/** Checks the v3 shape of parsed JSON. @throws {KeystoreFormatError} */
export function parseKeystore(json: unknown): KeystoreV3 {
  const value = json as KeystoreV3
  // geth and some tools spell it "Crypto".
  const crypto = value?.crypto ?? (value as unknown as { Crypto?: KeystoreV3['crypto'] })?.Crypto
  if (!value || typeof value !== 'object') throw new KeystoreFormatError('not a JSON object')
  if (value.version !== 3) throw new KeystoreFormatError(`version is ${String(value.version)}, expected 3`)
  if (!crypto || typeof crypto !== 'object') throw new KeystoreFormatError('no "crypto" section')
  if (crypto.cipher !== 'aes-128-ctr') throw new KeystoreFormatError(`unsupported cipher "${String(crypto.cipher)}"`)
  if (crypto.kdf !== 'scrypt' && crypto.kdf !== 'pbkdf2') throw new KeystoreFormatError(`unsupported kdf "${String(crypto.kdf)}"`)
  for (const [field, hex] of [['ciphertext', crypto.ciphertext], ['mac', crypto.mac], ['iv', crypto.cipherparams?.iv], ['salt', crypto.kdfparams?.salt]] as const) {
    if (typeof hex !== 'string' || !/^(0x)?[0-9a-fA-F]+$/.test(hex)) throw new KeystoreFormatError(`"${field}" is not hex`)
  }
  return { ...value, crypto }
}

/**
 * Decrypts a v3 keystore (scrypt or pbkdf2-hmac-sha256).
 * @throws {KeystorePasswordMismatch} wrong password.
 * @throws {KeystoreFormatError} unreadable file, or its address field disagrees with its key.
 */
export async function decryptKeystore(keystore: KeystoreV3, password: string): Promise<{ privateKey: Hex; address: Address }> {
  const { crypto } = keystore
  const derivedKey = await deriveKey(password, crypto.kdf, crypto.kdfparams)
  const ciphertext = Buffer.from(strip0x(crypto.ciphertext), 'hex')
  const expectedMac = Buffer.from(strip0x(crypto.mac), 'hex')
  const actualMac = macOf(derivedKey, ciphertext)
  if (expectedMac.length !== actualMac.length || !timingSafeEqual(expectedMac, actualMac)) throw new KeystorePasswordMismatch()
  const decipher = createDecipheriv('aes-128-ctr', derivedKey.subarray(0, 16), Buffer.from(strip0x(crypto.cipherparams.iv), 'hex'))
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  if (plain.length !== 32) throw new KeystoreFormatError(`decrypted key is ${plain.length} bytes, expected 32`)
  const privateKey = bytesToHex(plain)
  const address = privateKeyToAddress(privateKey)
  if (keystore.address && strip0x(keystore.address).toLowerCase() !== strip0x(address).toLowerCase()) {
    throw new KeystoreFormatError(`its address field ${keystore.address} does not match its key (${address})`)
  }
  return { privateKey, address }
}
