import { createHash } from 'node:crypto'
import type { Hex } from 'viem'
import type { ReceiptEndpoint } from './request.js'

/**
 * What a node records of every completed request, to be signed (payments) and replayed (verification) later: enough to
 * re-run the exact prompt tokens through the registered weights and score each served token.
 */
export type ReceiptDraft = {
  id: string
  createdAt: string
  /** On-chain model id, when served by id. */
  modelId: string | null
  manifestCid: string | null
  /** UnixFS CID of the GGUF that produced the tokens. */
  weightsCid: string
  endpoint: ReceiptEndpoint
  /** keccak256 of the request as the client sent it (see requestHash): binds the receipt to one request. */
  requestHash: Hex
  /** sha256 of the answer's text as served (stop strings cut): binds the receipt to what the client received. */
  textHash: string
  /** sha256 of the prompt token ids as little-endian uint32: the exact tokens the model saw, template applied. */
  promptHash: string
  promptTokens: number
  /**
   * The prompt's token ids, kept so that the client (or a validator holding the receipt) can replay it. Not part of
   * what is signed: the signature commits to their hash.
   */
  promptTokenIds?: number[] | undefined
  sampling: { temperature: number; topP: number; topK: number; seed: number; maxTokens: number; stop: string[] }
  outputTokens: number[]
  /** Per served token: log p under the distribution it was drawn from. */
  logprobs: number[]
  /** Per served token: the model's top logit minus the served token's (0 = the model's own first choice). */
  logitGaps: number[]
  finishReason: string
  /** The engine setup, which bounds what a replay can reproduce bit for bit. */
  engine: { backend: string; parallel: number; threads: number; contextSize: number }
}

/** sha256 of token ids as little-endian uint32. */
export function hashTokens(tokens: readonly number[]): string {
  const bytes = Buffer.alloc(tokens.length * 4)
  tokens.forEach((t, i) => bytes.writeUInt32LE(t, i * 4))
  return createHash('sha256').update(bytes).digest('hex')
}
