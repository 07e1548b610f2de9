// Why keystores use node:crypto's scrypt: unlocking a geth-standard keystore (n=2^18, r=8, p=1) with the native
// scrypt vs the pure-JS scrypt that ox/viem ship (@noble/hashes), side by side.
import { scrypt as nativeScrypt } from 'node:crypto'
import { promisify } from 'node:util'
import { scryptAsync as jsScrypt } from '@noble/hashes/scrypt.js'
import { generatePrivateKey } from 'viem/accounts'
import { decryptKeystore, encryptKeystore } from '../src/core/wallet/keystore.js'
import { medianMs, ratio, sidesOf, type Benchmark } from './types.js'

const native = promisify(nativeScrypt) as (p: Buffer, s: Buffer, len: number, o: object) => Promise<Buffer>
const params = { N: 262_144, r: 8, p: 1 }

export const keystoreBenchmark: Benchmark = {
  name: 'keystore',
  description: 'Unlock a standard-strength keystore: native scrypt vs pure-JS scrypt',
  async run() {
    const password = Buffer.from('benchmark password')
    const salt = Buffer.alloc(32, 7)
    const nativeMs = await medianMs(() => native(password, salt, 32, { ...params, maxmem: 512 * 1024 * 1024 }), 3)
    const jsMs = await medianMs(() => jsScrypt(password, salt, { ...params, dkLen: 32 }), 2)
    const keystore = await encryptKeystore(generatePrivateKey(), 'pw')
    const unlockMs = await medianMs(() => decryptKeystore(keystore, 'pw'), 3)
    const rows = [
      { label: 'scrypt node:crypto (n=2^18,r=8,p=1)', value: nativeMs, unit: 'ms' },
      { label: 'scrypt @noble/hashes (same params)', value: jsMs, unit: 'ms' },
      { label: 'decryptKeystore (modeldao, standard)', value: unlockMs, unit: 'ms' },
    ]
    return {
      rows,
      ratios: [ratio('pure-JS / native scrypt time', jsMs / nativeMs, undefined, sidesOf(rows, 'scrypt @noble/hashes (same params)', 'scrypt node:crypto (n=2^18,r=8,p=1)')), ratio('modeldao unlock / native scrypt', unlockMs / nativeMs, { op: '<=', value: 1.2 }, sidesOf(rows, 'decryptKeystore (modeldao, standard)', 'scrypt node:crypto (n=2^18,r=8,p=1)'))],
    }
  },
}
