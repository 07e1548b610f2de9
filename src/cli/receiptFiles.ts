import { readFile } from 'node:fs/promises'
import { ReceiptMalformedError } from '../core/verify/errors.js'

/** A JSON file the verify commands read (a receipt, a signed receipt, prompt tokens). @throws {ReceiptMalformedError} */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new ReceiptMalformedError(`${what} ${path} is not readable JSON (${(error as Error).message.split('\n')[0]})`)
  }
}
