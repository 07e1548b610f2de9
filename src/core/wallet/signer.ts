import { getAddress, isAddress, isHex, type Account, type Address, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { devAccount } from '../chain/local/devAccounts.js'
import { AccountAmbiguousError, KeystoreNotFoundError, NoAccountError, PrivateKeyInvalidError } from './errors.js'
import { keystoreAddress, listKeystoreNames, listKeystores, unlockKeystore } from './store.js'

export type ResolveSignerParams = {
  keystoresFolder: string
  chainId: number
  /** Keystore name, or the address of one of the keystores. */
  account?: string | undefined
  /** Index of an anvil dev account (local chains only). */
  devAccount?: number | undefined
  /** Raw key given explicitly (MODELDAO_PRIVATE_KEY). Never logged. */
  privateKey?: string | undefined
  /** Asked only when a keystore has to be unlocked. */
  getPassword: (keystoreName: string) => Promise<string>
}

/**
 * Picks the account that signs: a dev account, an explicit private key, or a keystore unlocked with its password.
 * @throws {ModeldaoError} NO_ACCOUNT when none is named; keystore errors from unlockWallet.
 */
export async function resolveSigner(params: ResolveSignerParams): Promise<Account> {
  const given = [params.account !== undefined, params.devAccount !== undefined, params.privateKey !== undefined].filter(Boolean).length
  if (given > 1) {
    throw new AccountAmbiguousError()
  }
  if (params.devAccount !== undefined) return devAccount(params.devAccount, params.chainId)
  if (params.privateKey !== undefined) {
    const key = (params.privateKey.startsWith('0x') ? params.privateKey : `0x${params.privateKey}`) as Hex
    if (!isHex(key) || key.length !== 66) {
      throw new PrivateKeyInvalidError('MODELDAO_PRIVATE_KEY must be 32 bytes of hex.')
    }
    return privateKeyToAccount(key)
  }
  if (params.account === undefined) {
    throw new NoAccountError()
  }
  let name = params.account
  if (isAddress(name)) {
    const match = (await listKeystores(params.keystoresFolder)).find((w) => w.address?.toLowerCase() === name.toLowerCase())
    if (!match) throw new KeystoreNotFoundError(name, await listKeystoreNames(params.keystoresFolder))
    name = match.name
  }
  return unlockKeystore(params.keystoresFolder, name, await params.getPassword(name))
}

/**
 * The address of the account named by the same options as resolveSigner, without unlocking anything: for reads
 * (balances, portfolio). An address is taken as given, even when no keystore holds it.
 * @throws {ModeldaoError} NO_ACCOUNT, ACCOUNT_AMBIGUOUS, KEYSTORE_NOT_FOUND.
 */
export async function resolveAddress(params: Omit<ResolveSignerParams, 'getPassword'>): Promise<Address> {
  if (params.account !== undefined && isAddress(params.account) && params.devAccount === undefined && params.privateKey === undefined) return getAddress(params.account)
  if (params.account !== undefined && params.devAccount === undefined && params.privateKey === undefined) {
    const { address } = await keystoreAddress(params.keystoresFolder, params.account)
    if (address) return getAddress(address)
  }
  const account = await resolveSigner({ ...params, getPassword: () => Promise.reject(new NoAccountError()) })
  return account.address
}
