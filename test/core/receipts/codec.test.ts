// Receipt bodies: the canonical bytes an operator's signature commits to. Round trip to the quantum, 8 bytes a token
// after a fixed header, every field bound by the hash, −∞ and huge values kept distinguishable.
import { keccak256, stringToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import type { ReceiptDraft } from '../../../src/core/receipts/draft.js'
import { receiptDigest } from '../../../src/core/receipts/signing.js'
import {
  decodeReceiptBody,
  encodeReceiptBody,
  receiptCommitment,
  RECEIPT_BYTES_PER_TOKEN,
  RECEIPT_HEADER_BYTES,
  RECEIPT_QUANTUM,
  stopHash,
} from '../../../src/core/receipts/codec.js'

const draft = (tokens = 64): ReceiptDraft => ({
  id: 'a'.repeat(24),
  createdAt: '2026-12-03T00:00:00.000Z',
  modelId: '7',
  manifestCid: 'bafkreimanifest',
  weightsCid: 'bafkreiweights',
  endpoint: 'chat',
  requestHash: `0x${'12'.repeat(32)}`,
  textHash: '34'.repeat(32),
  promptHash: 'ab'.repeat(32),
  promptTokens: 12,
  sampling: { temperature: 0.7, topP: 0.9, topK: 40, seed: 4_000_000_001, maxTokens: 64, stop: ['\n\n'] },
  outputTokens: Array.from({ length: tokens }, (_, i) => 3 + ((i * 37) % 350)),
  logprobs: Array.from({ length: tokens }, (_, i) => -((i * 0.173) % 9)),
  logitGaps: Array.from({ length: tokens }, (_, i) => (i * 0.291) % 5),
  finishReason: 'length',
  engine: { backend: 'cpu', parallel: 1, threads: 1, contextSize: 2048 },
})

describe('receipt body codec', () => {
  it('is a fixed header plus 8 bytes per token (≤ 16 is the target)', () => {
    expect(RECEIPT_BYTES_PER_TOKEN).toBeLessThanOrEqual(16)
    expect(encodeReceiptBody(draft(0)).length).toBe(RECEIPT_HEADER_BYTES)
    expect(encodeReceiptBody(draft(64)).length).toBe(RECEIPT_HEADER_BYTES + 64 * 8)
  })

  it('round-trips every field, log-probabilities and gaps to within half a quantum', () => {
    const d = draft()
    const back = decodeReceiptBody(encodeReceiptBody(d))
    expect(back).toMatchObject({ endpoint: 'chat', finishReason: 'length', requestHash: d.requestHash, textHash: d.textHash, promptHash: d.promptHash, promptTokens: 12, outputTokens: d.outputTokens })
    expect(back.sampling).toMatchObject({ topK: 40, seed: 4_000_000_001, maxTokens: 64, stopHash: stopHash(['\n\n']) })
    expect(back.sampling.temperature).toBeCloseTo(0.7, 6)
    for (let i = 0; i < d.outputTokens.length; i++) {
      expect(Math.abs(back.logprobs[i]! - d.logprobs[i]!)).toBeLessThanOrEqual(RECEIPT_QUANTUM / 2 + 1e-12)
      expect(Math.abs(back.logitGaps[i]! - d.logitGaps[i]!)).toBeLessThanOrEqual(RECEIPT_QUANTUM / 2 + 1e-12)
    }
  })

  it('keeps −∞ (a token the sampler could not draw) apart from a very unlikely one', () => {
    const d = { ...draft(3), logprobs: [Number.NEGATIVE_INFINITY, -1000, -0.5], logitGaps: [0, 1000, 0.25] }
    const back = decodeReceiptBody(encodeReceiptBody(d))
    expect(back.logprobs[0]).toBeNull()
    expect(back.logprobs[1]).toBeCloseTo(-32, 2) // saturated: "32 nats or less"
    expect(back.logprobs[2]).toBeCloseTo(-0.5, 3)
    expect(back.logitGaps[1]).toBeCloseTo(32, 2)
    // JSON stores −∞ as null: both encode alike, so the node's and the client's copies hash the same.
    expect(encodeReceiptBody({ ...d, logprobs: [null as unknown as number, -1000, -0.5] })).toEqual(encodeReceiptBody(d))
  })

  it('binds every field: changing any one changes the body hash', () => {
    const base = receiptCommitment(draft())
    const variants: Partial<ReceiptDraft>[] = [
      { endpoint: 'completion' },
      { finishReason: 'stop' },
      { promptHash: 'cd'.repeat(32) },
      { requestHash: `0x${'56'.repeat(32)}` },
      { textHash: '78'.repeat(32) },
      { promptTokens: 13 },
      { sampling: { ...draft().sampling, seed: 1 } },
      { sampling: { ...draft().sampling, temperature: 0 } },
      { sampling: { ...draft().sampling, stop: [] } },
      { outputTokens: [...draft().outputTokens.slice(0, -1), 9] },
      { logprobs: [...draft().logprobs.slice(0, -1), -3] },
      { logitGaps: [...draft().logitGaps.slice(0, -1), 4] },
    ]
    for (const change of variants) expect(receiptCommitment({ ...draft(), ...change }).body, JSON.stringify(Object.keys(change))).not.toBe(base.body)
    expect(receiptCommitment({ ...draft(), weightsCid: 'bafkreiother' }).weightsCidHash).not.toBe(base.weightsCidHash)
    expect(base.weightsCidHash).toBe(keccak256(stringToHex('bafkreiweights')))
    expect(base.modelId).toBe(7n)
    // Fields outside the body (id, timestamps, engine) are not evidence: they do not change it.
    expect(receiptCommitment({ ...draft(), id: 'b'.repeat(24), createdAt: 'later' }).body).toBe(base.body)
  })

  it('signs the digest ReceiptChallenges checks on chain (the forge test vector)', () => {
    const digest = receiptDigest(
      { chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
      {
        modelId: 7n,
        weightsCidHash: keccak256(stringToHex('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')),
        body: keccak256(stringToHex('body')),
        payment: keccak256(stringToHex('payment')),
        cost: 1_234_567n,
      },
    )
    expect(digest).toBe('0xfab8e3c1a91596cf4030a90390c467977b6a499e81769e8a7e132a1e199ef0e8')
  })

  it('refuses malformed bodies with the reason', () => {
    const bytes = encodeReceiptBody(draft(4))
    expect(() => decodeReceiptBody(bytes.slice(0, bytes.length - 1))).toThrow(/4 tokens has/)
    expect(() => decodeReceiptBody(bytes.slice(0, 10))).toThrow(/at least/)
    expect(() => encodeReceiptBody({ ...draft(4), logitGaps: [0] })).toThrow(/4 output tokens but 4 log-probabilities and 1 logit gaps/)
  })
})
