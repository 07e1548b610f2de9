// The exchange checks every client and validator runs on a receipt: each field that does not fit is named.
import { describe, expect, it } from 'vitest'
import { checkExchange, cutAtStop, type Exchange } from '../../../src/core/receipts/check.js'
import type { ReceiptDraft } from '../../../src/core/receipts/draft.js'
import { canonicalJson, requestHash, textHash } from '../../../src/core/receipts/request.js'

const request = { model: '1', messages: [{ role: 'user', content: 'Hi' }], stream: true, max_tokens: 8 }
const exchange: Exchange = { endpoint: 'chat', request, text: 'Hello', usage: { prompt_tokens: 3, completion_tokens: 2 } }
const draft = (): ReceiptDraft => ({
  id: 'a'.repeat(24),
  createdAt: '2026-12-07T00:00:00.000Z',
  modelId: '1',
  manifestCid: 'bafkreimanifest',
  weightsCid: 'bafkreiweights',
  endpoint: 'chat',
  requestHash: requestHash('chat', request),
  textHash: textHash('Hello'),
  promptHash: 'ab'.repeat(32),
  promptTokens: 3,
  promptTokenIds: [1, 2, 3],
  sampling: { temperature: 1, topP: 1, topK: 40, seed: 9, maxTokens: 8, stop: ['<|im_end|>'] },
  outputTokens: [10, 11],
  logprobs: [-0.1, -0.2],
  logitGaps: [0, 0],
  finishReason: 'stop',
  engine: { backend: 'cpu', parallel: 1, threads: 1, contextSize: 256 },
})
const terms = { perRequest: 1000n, perOutputToken: 100n }
const reasons = (d: ReceiptDraft, e: Exchange = exchange, cost = 1200n) => checkExchange(d, e, terms, cost).map((f) => f.reason)

describe('checkExchange', () => {
  it('finds nothing wrong with the receipt of the exchange', () => {
    expect(checkExchange(draft(), exchange, terms, 1200n)).toEqual([])
  })

  it('hashes the request whatever the key order, and changes with any field', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}')
    expect(requestHash('chat', { stream: true, max_tokens: 8, messages: request.messages, model: '1' })).toBe(requestHash('chat', request))
    expect(requestHash('chat', { ...request, max_tokens: 9 })).not.toBe(requestHash('chat', request))
    expect(requestHash('completion', request)).not.toBe(requestHash('chat', request))
  })

  it('names each difference', () => {
    expect(reasons({ ...draft(), requestHash: requestHash('chat', { ...request, max_tokens: 9 }) })).toEqual(['request'])
    expect(reasons({ ...draft(), textHash: textHash('Hello!') })).toEqual(['text'])
    expect(reasons({ ...draft(), sampling: { ...draft().sampling, temperature: 0 } })).toEqual(['sampling'])
    expect(reasons({ ...draft(), sampling: { ...draft().sampling, maxTokens: 64 } })).toEqual(['sampling'])
    expect(reasons(draft(), { ...exchange, usage: { prompt_tokens: 3, completion_tokens: 5 } })).toEqual(['usage'])
    expect(reasons({ ...draft(), finishReason: 'length' })).toEqual(['finish'])
    expect(reasons(draft(), exchange, 4200n)).toEqual(['cost'])
    // A request's own seed and stop strings must be the receipt's.
    const seeded = { ...exchange, request: { ...request, seed: 5, stop: ['\n'] } }
    expect(reasons({ ...draft(), requestHash: requestHash('chat', seeded.request) }, seeded)).toEqual(['sampling', 'sampling'])
  })

  it('cuts text at the first stop string as generation does', () => {
    expect(cutAtStop('one two. three', ['.', ' t'])).toBe('one')
    expect(cutAtStop('no stop here', ['###'])).toBeUndefined()
  })
})
