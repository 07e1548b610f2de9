import { readFile } from 'node:fs/promises'
import { ModeldaoError } from '../core/errors/base.js'
import { ReceiptMalformedError } from '../core/receipts/errors.js'

/** A JSON file the verify commands read (a receipt, a signed receipt, prompt tokens). @throws {ReceiptMalformedError} */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ModeldaoError('USAGE', `${what} ${path} does not exist.`, { hints: ['`modeldao chat --receipt <file>` writes a signed receipt; a node serves its receipts at GET /v1/receipts/<id>.'] })
    }
    throw new ReceiptMalformedError(`${what} ${path} is not readable JSON (${(error as Error).message.split('\n')[0]})`)
  }
}
