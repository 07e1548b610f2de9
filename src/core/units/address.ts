import { getAddress, isAddress, type Address } from 'viem'
import { AddressInvalidError } from '../errors/base.js'

/** An address from user input, checksummed. @throws {AddressInvalidError} naming `what`. */
export function parseAddress(value: string, what: string): Address {
  if (!isAddress(value.trim(), { strict: false })) throw new AddressInvalidError(what, value)
  return getAddress(value.trim())
}
