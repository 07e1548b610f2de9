import { createHash } from 'node:crypto'
import { keccak256, stringToHex, type Hex } from 'viem'

/** The endpoints a receipt can be for. */
export type ReceiptEndpoint = 'chat' | 'completion'

/** OpenAI's defaults where a request leaves a sampling field out: what a receipt must show when the client said nothing. */
export const SAMPLING_DEFAULTS = { temperature: 1, topP: 1 } as const

/**
 * A JSON value with object keys sorted at every depth: the same bytes for the same request whoever serializes it
 * (the client before sending, the node after parsing). Numbers take JavaScript's shortest round-trip form on both sides.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/**
 * What a receipt commits to about the request: keccak256 of the endpoint and the request body exactly as the client
 * sent it (canonical JSON: messages or prompt, sampling with the seed, max tokens, stop, everything). A proxy that
 * changes one field, or a receipt made for another request, no longer matches what the client computes itself.
 */
export function requestHash(endpoint: ReceiptEndpoint, body: unknown): Hex {
  return keccak256(stringToHex(`${endpoint}\n${canonicalJson(body)}`))
}

/** sha256 (hex) of the answer's text as UTF-8: what a receipt commits to about the text the client received. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
