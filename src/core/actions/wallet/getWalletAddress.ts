import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { NoAccountError } from '../../wallet/errors.js'
import { keystoreAddress, type WalletInfo } from '../../wallet/store.js'

export type GetWalletAddressParams = {
  /** Keystore name; default: the context's `account`. */
  name?: string | undefined
}
export type GetWalletAddressReturnType = WalletInfo
/** NO_ACCOUNT, KEYSTORE_NOT_FOUND, KEYSTORE_CORRUPT. */
export type GetWalletAddressErrorType = ModeldaoError

/**
 * The address a keystore declares, without its password.
 * @example const { address } = await getWalletAddress(md, { name: 'alice' })
 */
export async function getWalletAddress(ctx: ModeldaoContext, params: GetWalletAddressParams = {}): Promise<GetWalletAddressReturnType> {
  const name = params.name ?? ctx.options.account
  if (!name) throw new NoAccountError('Name the keystore: `wallet address <name>` or --account <name>.')
  return keystoreAddress(ctx.home.keystores, name)
}
