import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { DevAccountNotLocalError, DevAccountRangeError } from '../errors.js'

/** anvil's default, publicly known mnemonic. Its keys guard nothing: only for local chains. */
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'
/** anvil creates 10 accounts by default. */
export const DEV_ACCOUNT_COUNT = 10
/** Chains where dev accounts may sign (anvil and hardhat default ids). */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337, 1337])

/**
 * The N-th dev account of a local anvil chain.
 * @throws {ModeldaoError} DEV_ACCOUNT_NOT_LOCAL when the chain is not a local one, DEV_ACCOUNT_RANGE for a bad index.
 */
export function devAccount(index: number, chainId: number): HDAccount {
  if (!LOCAL_CHAIN_IDS.has(chainId)) {
    throw new DevAccountNotLocalError(chainId)
  }
  if (!Number.isInteger(index) || index < 0 || index >= DEV_ACCOUNT_COUNT) {
    throw new DevAccountRangeError(index, DEV_ACCOUNT_COUNT)
  }
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index })
}

/** Addresses of the dev accounts (no keys), for status output. */
export function devAccountAddresses(count = DEV_ACCOUNT_COUNT): `0x${string}`[] {
  return Array.from({ length: count }, (_, index) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }).address)
}
