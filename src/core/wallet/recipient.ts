import { getAddress, isAddress, type Address } from 'viem'
import { AddressInvalidError } from '../errors/base.js'
import { keystoreAddress } from './store.js'

/**
 * An account named by the user: an address (not zero), or the name of a keystore in this home.
 * @throws {AddressInvalidError} neither. @throws {KeystoreNotFoundError} no keystore of that name.
 */
export async function resolveRecipient(keystoresFolder: string, what: string, value: string): Promise<Address> {
  if (isAddress(value)) {
    if (/^0x0{40}$/i.test(value)) throw new AddressInvalidError(what, value)
    return getAddress(value)
  }
  if (/^[\w-]+$/.test(value)) return (await keystoreAddress(keystoresFolder, value)).address!
  throw new AddressInvalidError(what, value)
}
