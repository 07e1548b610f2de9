import { pbkdf2Sync, randomBytes, createCipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { keccak256, bytesToHex } from 'viem'
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts'
import {
  decryptKeystore,
  encryptKeystore,
  KeystoreFormatError,
  KeystorePasswordMismatch,
  parseKeystore,
} from '../../../src/core/wallet/keystore.js'

describe('Web3 Secret Storage v3 keystores', () => {
  it('round-trips a key with the light scrypt strength', async () => {
    const key = generatePrivateKey()
    const keystore = await encryptKeystore(key, 'correct horse', 'light')
    expect(keystore.crypto.kdf).toBe('scrypt')
    expect(keystore.crypto.kdfparams).toMatchObject({ n: 4096, r: 8, p: 6, dklen: 32 })
    expect(keystore.address).toBe(privateKeyToAddress(key).slice(2).toLowerCase())
    expect(JSON.stringify(keystore)).not.toContain(key.slice(2))
    const opened = await decryptKeystore(parseKeystore(JSON.parse(JSON.stringify(keystore))), 'correct horse')
    expect(opened.privateKey).toBe(key)
  })

  it('uses geth standard scrypt parameters by default (n=2^18, r=8, p=1)', async () => {
    const keystore = await encryptKeystore(generatePrivateKey(), 'pw')
    expect(keystore.crypto.kdfparams).toMatchObject({ n: 262_144, r: 8, p: 1 })
  })

  it('rejects a wrong password by MAC', async () => {
    const keystore = await encryptKeystore(generatePrivateKey(), 'right', 'light')
    await expect(decryptKeystore(keystore, 'wrong')).rejects.toBeInstanceOf(KeystorePasswordMismatch)
  })

  it('rejects a tampered ciphertext', async () => {
    const keystore = await encryptKeystore(generatePrivateKey(), 'pw', 'light')
    const flipped = keystore.crypto.ciphertext.replace(/^./, (c) => (c === '0' ? '1' : '0'))
    await expect(decryptKeystore({ ...keystore, crypto: { ...keystore.crypto, ciphertext: flipped } }, 'pw')).rejects.toBeInstanceOf(
      KeystorePasswordMismatch,
    )
  })

  it('rejects an address field that does not match the key', async () => {
    const keystore = await encryptKeystore(generatePrivateKey(), 'pw', 'light')
    await expect(decryptKeystore({ ...keystore, address: '00'.repeat(20) }, 'pw')).rejects.toBeInstanceOf(KeystoreFormatError)
  })

  it('reads pbkdf2-hmac-sha256 keystores (the other kdf of the spec)', async () => {
    // Built here from the spec's definition, independently of encryptKeystore.
    const key = generatePrivateKey()
    const salt = randomBytes(32)
    const iv = randomBytes(16)
    const derived = pbkdf2Sync('pw', salt, 1024, 32, 'sha256')
    const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv)
    const ciphertext = Buffer.concat([cipher.update(Buffer.from(key.slice(2), 'hex')), cipher.final()])
    const mac = keccak256(bytesToHex(Buffer.concat([derived.subarray(16, 32), ciphertext]))).slice(2)
    const keystore = parseKeystore({
      version: 3,
      id: 'x',
      Crypto: {
        cipher: 'aes-128-ctr',
        cipherparams: { iv: iv.toString('hex') },
        ciphertext: ciphertext.toString('hex'),
        kdf: 'pbkdf2',
        kdfparams: { c: 1024, dklen: 32, prf: 'hmac-sha256', salt: salt.toString('hex') },
        mac,
      },
    })
    expect((await decryptKeystore(keystore, 'pw')).privateKey).toBe(key)
  })

  it.each([
    [null, /JSON object/],
    [{ version: 1 }, /version is 1/],
    [{ version: 3 }, /no "crypto"/],
    [{ version: 3, crypto: { cipher: 'aes-256-gcm' } }, /cipher/],
    [{ version: 3, crypto: { cipher: 'aes-128-ctr', kdf: 'argon2' } }, /kdf/],
  ])('names what is wrong with a malformed file (%j)', (json, message) => {
    expect(() => parseKeystore(json)).toThrow(message)
  })
})
