// The exchange checks every client and validator runs on a receipt: each field that does not fit is named.
import { describe, expect, it } from 'vitest'
import { checkExchange, checkTokens, cutAtStop, type Exchange, type ReceiptTokenizer } from '../../../src/core/receipts/check.js'
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

  it('holds the answer to the limit quoted for it and to the finish the response gave; a paid answer is never "cancelled"', () => {
    const check = (d: ReceiptDraft, e: Exchange = exchange) => checkExchange(d, e, terms, 1200n, { maxTokens: 8 }).map((f) => f.reason)
    expect(check(draft())).toEqual([])
    // Served 2 tokens, "complete for length" because the receipt says the limit was 2: the quote said 8.
    expect(check({ ...draft(), finishReason: 'length', sampling: { ...draft().sampling, maxTokens: 2 } })).toEqual(['sampling'])
    expect(check({ ...draft(), finishReason: 'cancelled' })).toEqual(['finish'])
    expect(check(draft(), { ...exchange, finishReason: 'length' })).toEqual(['finish'])
  })

  it('with the weights: tokens served after the stop string that ended the answer are a fault (they were billed)', () => {
    // A toy tokenizer: token t is the character code t.
    const tokenizer: ReceiptTokenizer = {
      tokenizePrompt: () => [1, 2, 3],
      tokenizeChat: () => ({ tokens: [1, 2, 3], stop: ['<|im_end|>'] }),
      detokenize: (tokens) => String.fromCharCode(...tokens),
    }
    const codes = (text: string) => [...text].map((c) => c.charCodeAt(0))
    const stopAt = { ...exchange, request: { ...request, stop: ['\n'] }, text: 'Hi' }
    const honest = { ...draft(), requestHash: requestHash('chat', stopAt.request), textHash: textHash('Hi'), sampling: { ...draft().sampling, stop: ['\n', '<|im_end|>'] }, outputTokens: codes('Hi\n') }
    expect(checkTokens(honest, stopAt, tokenizer)).toEqual([])
    const padded = { ...honest, outputTokens: codes('Hi\nmore tokens billed') }
    expect(checkTokens(padded, stopAt, tokenizer).map((f) => f.reason)).toEqual(['output'])
  })

  it('cuts text at the first stop string as generation does', () => {
    expect(cutAtStop('one two. three', ['.', ' t'])).toBe('one')
    expect(cutAtStop('no stop here', ['###'])).toBeUndefined()
  })
})
