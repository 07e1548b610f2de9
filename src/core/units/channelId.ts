import type { Hex } from 'viem'
import { ModeldaoError } from '../errors/base.js'

/** A payment channel id (bytes32) from user input, lower-cased. @throws {ModeldaoError} USAGE naming `what`. */
export function parseChannelId(value: string, what: string): Hex {
  const text = value.trim()
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new ModeldaoError('USAGE', `${what} "${value}" is not a channel id (0x and 64 hex digits).`, { hints: ['Channel ids are printed when a channel opens; `modeldao channel list` shows yours.'] })
  }
  return text.toLowerCase() as Hex
}
