import { keccak256, stringToHex, toBytes, toHex, type Hex } from 'viem'
import type { ReceiptDraft } from './draft.js'
import { ReceiptMalformedError } from './errors.js'

/**
 * The compact, canonical bytes of a receipt: what an operator's signature commits to (through `body` = their
 * keccak256) and what a validator replays. A fixed header, then 8 bytes per generated token: the token id (uint32),
 * −log p and the logit gap each quantized to 1/2048 nat (uint16). TOPLOC spends ~8 bytes a token; the target is ≤ 16.
 *
 * Header (big-endian): version u8 · endpoint u8 (0 chat, 1 completion) · finish reason u8 (0 stop, 1 length,
 * 2 cancelled) · request hash 32 B · text hash 32 B · prompt-token hash 32 B · prompt tokens u32 · temperature f32 ·
 * top-p f32 · top-k u16 · seed u32 · max tokens u32 · keccak256 of the stop strings (JSON) 32 B · output tokens u32.
 * Version 2 added the request and text hashes: a receipt binds what was asked and what was answered, not only tokens.
 */
export const RECEIPT_BODY_VERSION = 2
export const RECEIPT_HEADER_BYTES = 1 + 1 + 1 + 32 + 32 + 32 + 4 + 4 + 4 + 2 + 4 + 4 + 32 + 4
export const RECEIPT_BYTES_PER_TOKEN = 8
/** Quantization step of −log p and of logit gaps, in nats: 4.9e-4, far under the replay tolerance (0.05 per token, 2.5e-3 per receipt mean). */
export const RECEIPT_QUANTUM = 1 / 2048
/** −log p of −∞ (a token the sampler could not draw). Values from 32 nats up are stored as 0xFFFE (≥ 31.999). */
const INFINITE = 0xffff
const SATURATED = 0xfffe

const ENDPOINTS = ['chat', 'completion'] as const
const FINISH = ['stop', 'length', 'cancelled'] as const

/** What a receipt body carries (the draft's replayable part). */
export type ReceiptBody = Pick<ReceiptDraft, 'endpoint' | 'requestHash' | 'textHash' | 'promptHash' | 'promptTokens' | 'outputTokens' | 'finishReason'> & {
  sampling: Omit<ReceiptDraft['sampling'], 'stop'> & { stopHash: Hex }
  /** Per token, log p (null: −∞), quantized. */
  logprobs: (number | null)[]
  logitGaps: number[]
}

const quantize = (nats: number): number => {
  if (!Number.isFinite(nats)) return INFINITE
  return Math.min(SATURATED, Math.max(0, Math.round(nats / RECEIPT_QUANTUM)))
}
const dequantize = (q: number): number => (q === INFINITE ? Number.POSITIVE_INFINITY : q * RECEIPT_QUANTUM)

/** keccak256 of the stop strings' JSON: a fixed-size commitment to them. */
export const stopHash = (stop: readonly string[]): Hex => keccak256(stringToHex(JSON.stringify(stop)))

/** The canonical bytes of a receipt draft. */
export function encodeReceiptBody(draft: Pick<ReceiptDraft, 'endpoint' | 'requestHash' | 'textHash' | 'promptHash' | 'promptTokens' | 'sampling' | 'outputTokens' | 'logprobs' | 'logitGaps' | 'finishReason'>): Uint8Array {
  const n = draft.outputTokens.length
  if (draft.logprobs.length !== n || draft.logitGaps.length !== n) throw new ReceiptMalformedError(`${n} output tokens but ${draft.logprobs.length} log-probabilities and ${draft.logitGaps.length} logit gaps`)
  const bytes = new Uint8Array(RECEIPT_HEADER_BYTES + n * RECEIPT_BYTES_PER_TOKEN)
  const view = new DataView(bytes.buffer)
  let o = 0
  view.setUint8(o, RECEIPT_BODY_VERSION)
  view.setUint8(o + 1, ENDPOINTS.indexOf(draft.endpoint))
  const finish = FINISH.indexOf(draft.finishReason as (typeof FINISH)[number])
  if (finish < 0) throw new ReceiptMalformedError(`unknown finish reason "${draft.finishReason}"`)
  view.setUint8(o + 2, finish)
  o += 3
  for (const [name, hash] of [['request', draft.requestHash.replace(/^0x/, '')], ['text', draft.textHash], ['prompt', draft.promptHash]] as const) {
    if (!/^[0-9a-f]{64}$/i.test(hash)) throw new ReceiptMalformedError(`its ${name} hash is not 32 bytes of hex`)
    bytes.set(toBytes(`0x${hash}`), o)
    o += 32
  }
  const s = draft.sampling
  view.setUint32(o, draft.promptTokens)
  view.setFloat32(o + 4, s.temperature)
  view.setFloat32(o + 8, s.topP)
  view.setUint16(o + 12, s.topK)
  view.setUint32(o + 14, s.seed >>> 0)
  view.setUint32(o + 18, s.maxTokens)
  o += 22
  bytes.set(toBytes(stopHash(s.stop)), o)
  o += 32
  view.setUint32(o, n)
  o += 4
  for (let i = 0; i < n; i++) {
    view.setUint32(o, draft.outputTokens[i]!)
    const logprob = draft.logprobs[i]
    view.setUint16(o + 4, quantize(logprob === null || logprob === undefined ? Number.POSITIVE_INFINITY : -logprob))
    view.setUint16(o + 6, quantize(draft.logitGaps[i]!))
    o += RECEIPT_BYTES_PER_TOKEN
  }
  return bytes
}

/** Reads receipt bytes back (log-probabilities and gaps to the quantum). @throws {ReceiptMalformedError} */
export function decodeReceiptBody(input: Uint8Array | Hex): ReceiptBody {
  const bytes = typeof input === 'string' ? toBytes(input) : input
  if (bytes.length < RECEIPT_HEADER_BYTES) throw new ReceiptMalformedError(`a receipt body has at least ${RECEIPT_HEADER_BYTES} bytes, this one ${bytes.length}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint8(0) !== RECEIPT_BODY_VERSION) throw new ReceiptMalformedError(`receipt body version ${view.getUint8(0)} is not ${RECEIPT_BODY_VERSION}`)
  const endpoint = ENDPOINTS[view.getUint8(1)]
  const finishReason = FINISH[view.getUint8(2)]
  if (!endpoint || !finishReason) throw new ReceiptMalformedError('unknown endpoint or finish reason code')
  let o = 3
  const requestHash = toHex(bytes.slice(o, o + 32))
  const textHash = toHex(bytes.slice(o + 32, o + 64)).slice(2)
  const promptHash = toHex(bytes.slice(o + 64, o + 96)).slice(2)
  o += 96
  const sampling = {
    temperature: view.getFloat32(o + 4),
    topP: view.getFloat32(o + 8),
    topK: view.getUint16(o + 12),
    seed: view.getUint32(o + 14),
    maxTokens: view.getUint32(o + 18),
    stopHash: toHex(bytes.slice(o + 22, o + 54)),
  }
  const promptTokens = view.getUint32(o)
  o += 54
  const n = view.getUint32(o)
  o += 4
  if (bytes.length !== RECEIPT_HEADER_BYTES + n * RECEIPT_BYTES_PER_TOKEN) throw new ReceiptMalformedError(`a body of ${n} tokens has ${RECEIPT_HEADER_BYTES + n * RECEIPT_BYTES_PER_TOKEN} bytes, this one ${bytes.length}`)
  const outputTokens: number[] = []
  const logprobs: (number | null)[] = []
  const logitGaps: number[] = []
  for (let i = 0; i < n; i++, o += RECEIPT_BYTES_PER_TOKEN) {
    outputTokens.push(view.getUint32(o))
    const neg = dequantize(view.getUint16(o + 4))
    logprobs.push(Number.isFinite(neg) ? -neg : null)
    logitGaps.push(dequantize(view.getUint16(o + 6)))
  }
  return { endpoint, finishReason, requestHash, textHash, promptHash, promptTokens, sampling, outputTokens, logprobs, logitGaps }
}

/** What the operator's receipt signature commits to about the work: the model, the weights and the body's hash. */
export type ReceiptCommitment = { modelId: bigint; weightsCidHash: Hex; body: Hex }

/** The commitment of a receipt draft (a draft served without an on-chain model id commits to model 0). */
export function receiptCommitment(draft: ReceiptDraft): ReceiptCommitment {
  return {
    modelId: draft.modelId === null ? 0n : BigInt(draft.modelId),
    weightsCidHash: keccak256(stringToHex(draft.weightsCid)),
    body: keccak256(encodeReceiptBody(draft)),
  }
}
