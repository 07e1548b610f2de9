import type { ModeldaoContext } from '../../context/context.js'
import { listKeystores, type WalletInfo } from '../../wallet/store.js'

export type ListWalletsReturnType = { wallets: WalletInfo[]; folder: string }
/** Never throws for an empty or missing folder. */
export type ListWalletsErrorType = never

/**
 * The keystores in the home folder with the addresses they declare (no password needed).
 * @example const { wallets } = await listWallets(md)
 */
export async function listWallets(ctx: ModeldaoContext): Promise<ListWalletsReturnType> {
  return { wallets: await listKeystores(ctx.home.keystores), folder: ctx.home.keystores }
}
