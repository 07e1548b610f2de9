import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { KdfStrength } from '../../wallet/keystore.js'
import { createKeystore, type WalletInfo } from '../../wallet/store.js'

export type CreateWalletParams = {
  /** Keystore name: letters, digits, - and _. */
  name: string
  /** scrypt strength: `standard` (geth's, ~1 s) or `light` (throwaway keys). */
  kdf?: KdfStrength | undefined
}
export type CreateWalletReturnType = WalletInfo
/** KEYSTORE_EXISTS, KEYSTORE_NAME_INVALID, PASSWORD_REQUIRED. */
export type CreateWalletErrorType = ModeldaoError

/**
 * Makes a new random key and stores it encrypted (Web3 Secret Storage v3, mode 0600) in the home's keystores; the
 * password is asked twice through the context's `getPassword`. Never overwrites.
 * @example const { address } = await createWallet(md, { name: 'alice' })
 */
export async function createWallet(ctx: ModeldaoContext, params: CreateWalletParams): Promise<CreateWalletReturnType> {
  const password = await ctx.password({ purpose: `the new keystore "${params.name}"`, confirm: true })
  return createKeystore({ keystoresFolder: ctx.home.keystores, name: params.name, password, kdf: params.kdf })
}
