import type { Hex } from 'viem'
import { ModeldaoError } from '../errors/base.js'

/** A bytes32 id from user input, lower-cased. @throws {ModeldaoError} USAGE naming `what` and what it is. */
function parseId(value: string, what: string, kind: string, hint: string): Hex {
  const text = value.trim()
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new ModeldaoError('USAGE', `${what} "${value}" is not a ${kind} id (0x and 64 hex digits).`, { hints: [hint] })
  return text.toLowerCase() as Hex
}

/** A payment channel id. */
export const parseChannelId = (value: string, what: string) => parseId(value, what, 'channel', 'Channel ids are printed when a channel opens; `modeldao channel list` shows yours.')

/** A receipt challenge id. */
export const parseChallengeId = (value: string, what: string) => parseId(value, what, 'challenge', '`modeldao verify challenge` and `modeldao validator run --challenge` print the id.')
