import { readFile } from 'node:fs/promises'
import { PINNING_TOKEN_ENV, PinningTokenMissingError } from './errors.js'

export type PinningTokenSource = {
  /** The token itself (the CLI passes MODELDAO_PINNING_TOKEN). */
  token?: string | undefined
  /** A file holding only the token; wins over `token`. */
  tokenFile?: string | undefined
}

/**
 * The pinning token and where it came from (for messages, which name the source and never the value).
 * @throws {PinningTokenMissingError} no source, an unreadable file, or an empty token.
 */
export async function resolvePinningToken(source: PinningTokenSource): Promise<{ token: string; source: string }> {
  if (source.tokenFile !== undefined) {
    let text: string
    try {
      text = await readFile(source.tokenFile, 'utf8')
    } catch (error) {
      throw new PinningTokenMissingError(`cannot read ${source.tokenFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'Check the path of the token file.')
    }
    const token = text.trim()
    if (!token) throw new PinningTokenMissingError(`${source.tokenFile} is empty`, 'Write the token (and nothing else) into the file.')
    return { token, source: source.tokenFile }
  }
  const token = source.token?.trim()
  if (!token) throw new PinningTokenMissingError(`${PINNING_TOKEN_ENV} is not set and no token file was given`)
  return { token, source: PINNING_TOKEN_ENV }
}
