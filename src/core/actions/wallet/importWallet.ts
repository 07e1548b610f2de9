import { readFile } from 'node:fs/promises'
import type { Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { NothingToImportError } from '../../wallet/errors.js'
import type { KdfStrength } from '../../wallet/keystore.js'
import { importKeystore, type WalletInfo } from '../../wallet/store.js'

export type ImportWalletParams = {
  name: string
  /** An existing v3 keystore file (geth, Foundry, ethers); it must open with the password. */
  keystoreFile?: string | undefined
  /** A raw key, or a file holding one; encrypted with a new password. */
  privateKey?: Hex | undefined
  privateKeyFile?: string | undefined
  /** scrypt strength when encrypting a raw key. */
  kdf?: KdfStrength | undefined
}
export type ImportWalletReturnType = WalletInfo
/** NOTHING_TO_IMPORT, KEYSTORE_EXISTS, KEYSTORE_WRONG_PASSWORD, KEYSTORE_CORRUPT, PRIVATE_KEY_INVALID, PASSWORD_REQUIRED. */
export type ImportWalletErrorType = ModeldaoError

/**
 * Imports an account: an existing keystore file (kept with its own encryption) or a raw private key (encrypted with
 * a new password). Passwords come through the context's `getPassword`.
 * @example await importWallet(md, { name: 'deployer', keystoreFile: '~/.foundry/keystores/deployer' })
 */
export async function importWallet(ctx: ModeldaoContext, params: ImportWalletParams): Promise<ImportWalletReturnType> {
  const base = { keystoresFolder: ctx.home.keystores, name: params.name }
  if (params.keystoreFile) {
    const keystoreJson = await readFile(params.keystoreFile, 'utf8')
    const password = await ctx.password({ purpose: `the keystore ${params.keystoreFile}` })
    return importKeystore({ ...base, password, keystoreJson })
  }
  const privateKey = params.privateKeyFile ? ((await readFile(params.privateKeyFile, 'utf8')).trim() as Hex) : params.privateKey
  if (!privateKey) throw new NothingToImportError()
  const password = await ctx.password({ purpose: `the new keystore "${params.name}"`, confirm: true })
  return importKeystore({ ...base, password, privateKey, kdf: params.kdf })
}
