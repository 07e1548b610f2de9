import { randomBytes, randomInt } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Token } from 'node-llama-cpp'
import { SAMPLING_TOP_K, type GenerateResult, type InferenceEngine, type ServedToken } from './engine.js'
import type { NodeMetrics } from './metrics.js'
import { ApiError, parseChatRequest, parseCompletionRequest, type ChatRequest, type CommonParams, type CompletionRequest, type RequestLimits } from './openaiRequests.js'
import { hashTokens, type ReceiptDraft } from '../receipts/draft.js'
import { requestHash, textHash } from '../receipts/request.js'
import { type ReceiptStore } from '../receipts/store.js'
import { PaymentRequiredResponse, type PaidRequest, type PaymentGate } from '../payments/gate.js'
import { receiptCommitment } from '../receipts/codec.js'
import { QueueFullError, type SequenceScheduler } from './scheduler.js'
import type { ServedWeights } from './weights.js'

export type ApiLimits = RequestLimits & {
  /** Largest request body in bytes. */
  maxBodyBytes: number
}

export type ApiDeps = {
  engine: InferenceEngine
  scheduler: SequenceScheduler
  metrics: NodeMetrics
  receipts: ReceiptStore
  weights: ServedWeights
  limits: ApiLimits
  /** The id clients name in `model` (and the names also accepted for it). */
  modelId: string
  modelAliases: readonly string[]
  vocabularySize: number
  /** Set once the model's DAO promoted other weights: completions are refused (503) instead of served unnoticed. */
  superseded?: (() => { served: string; canonical: string } | undefined) | undefined
  /** When set, every completion must be paid (x402); absent, the node serves for free. */
  payments?: PaymentGate | undefined
}

type Endpoint = 'chat' | 'completion' | 'models' | 'health' | 'metrics' | 'receipt' | 'other'

const endpointPath = (endpoint: 'chat' | 'completion') => (endpoint === 'chat' ? '/v1/chat/completions' : '/v1/completions')

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** Reads the body up to `limit` bytes. @throws {ApiError} 413 beyond it. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw new ApiError(413, `The request body is ${declared} bytes, above this node's limit of ${limit}.`, 'request_too_large', null, 'request_too_large')
  const parts: Buffer[] = []
  let bytes = 0
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length
    if (bytes > limit) throw new ApiError(413, `The request body is above this node's limit of ${limit} bytes.`, 'request_too_large', null, 'request_too_large')
    parts.push(chunk as Buffer)
  }
  return Buffer.concat(parts)
}

/** OpenAI's `bytes` of a token's text. */
const utf8 = (text: string) => [...Buffer.from(text, 'utf8')]
/** −∞ has no JSON form: OpenAI clients get the most negative finite float instead. */
const finite = (logprob: number) => (Number.isFinite(logprob) ? logprob : -9999)

function chatLogprobs(tokens: readonly ServedToken[], top: number) {
  return {
    content: tokens.map((t) => ({
      token: t.text,
      logprob: finite(t.logprob),
      bytes: utf8(t.text),
      top_logprobs: top > 0 ? (t.top ?? []).map((a) => ({ token: a.text, logprob: finite(a.logprob), bytes: utf8(a.text) })) : [],
    })),
    refusal: null,
  }
}

function completionLogprobs(tokens: readonly ServedToken[], top: number, offset: number) {
  let at = offset
  const textOffset = tokens.map((t) => {
    const here = at
    at += t.text.length
    return here
  })
  return {
    tokens: tokens.map((t) => t.text),
    token_logprobs: tokens.map((t) => finite(t.logprob)),
    top_logprobs: top > 0 ? tokens.map((t) => Object.fromEntries((t.top ?? []).map((a) => [a.text, finite(a.logprob)]))) : null,
    text_offset: textOffset,
  }
}

/**
 * The node's HTTP API in OpenAI's shapes. Every completion answers with `usage` (streams in their final chunk, unasked),
 * leaves a receipt draft, and frees its sequence when the client goes away.
 */
export class HttpApi {
  constructor(private readonly deps: ApiDeps) {}

  /** The `node:http` request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now()
    const url = (req.url ?? '/').split('?')[0]!
    let endpoint: Endpoint = 'other'
    res.on('close', () => {
      const status = res.writableFinished ? String(res.statusCode) : 'cancelled'
      this.deps.metrics.requests.inc({ endpoint, status })
      this.deps.metrics.requestDuration.observe({ endpoint }, (performance.now() - started) / 1000)
    })
    const route = async () => {
      if (url === '/v1/chat/completions' || url === '/v1/completions') {
        endpoint = url === '/v1/completions' ? 'completion' : 'chat'
        if (req.method !== 'POST') throw new ApiError(405, `${url} takes POST.`, 'invalid_request_error', null, 'method_not_allowed')
        return this.complete(endpoint, req, res, started)
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, `${url} takes GET.`, 'invalid_request_error', null, 'method_not_allowed')
      if (url === '/v1/models') {
        endpoint = 'models'
        return json(res, 200, { object: 'list', data: [this.modelObject()] })
      }
      if (url === `/v1/models/${this.deps.modelId}`) {
        endpoint = 'models'
        return json(res, 200, this.modelObject())
      }
      if (url === '/health') {
        endpoint = 'health'
        const { scheduler } = this.deps
        return json(res, 200, { status: 'ok', model: this.deps.modelId, sequences: scheduler.total, active: scheduler.active, queued: scheduler.queued })
      }
      if (url === '/metrics') {
        endpoint = 'metrics'
        const text = await this.deps.metrics.text()
        res.writeHead(200, { 'content-type': this.deps.metrics.contentType })
        return void res.end(text)
      }
      const receipt = /^\/v1\/receipts\/([0-9a-f]{24})$/.exec(url)
      if (receipt) {
        endpoint = 'receipt'
        const found = this.deps.receipts.get(receipt[1]!)
        if (!found) throw new ApiError(404, `No receipt ${receipt[1]} on this node.`, 'not_found_error', null, 'receipt_not_found')
        return json(res, 200, found)
      }
      throw new ApiError(404, `No route ${req.method} ${url}. This node serves /v1/chat/completions, /v1/completions, /v1/models, /health and /metrics.`, 'not_found_error', null, 'route_not_found')
    }
    route().catch((error: unknown) => this.fail(res, error))
  }

  private modelObject() {
    const w = this.deps.weights
    return {
      id: this.deps.modelId,
      object: 'model',
      created: 0,
      owned_by: 'modeldao',
      name: w.name,
      model_id: w.modelId,
      manifest_cid: w.manifestCid,
      weights_cid: w.weightsCid,
      verified: w.verified,
      context_length: this.deps.engine.info.contextSize,
    }
  }

  private fail(res: ServerResponse, error: unknown) {
    if (error instanceof PaymentRequiredResponse && !res.headersSent) {
      this.deps.metrics.paymentsRefused.inc({ reason: error.reason })
      return json(res, 402, error.body(), error.headers())
    }
    const apiError =
      error instanceof ApiError
        ? error
        : error instanceof QueueFullError
          ? new ApiError(429, `The node is busy: ${error.message}. Retry shortly.`, 'rate_limit_error', null, 'queue_full')
          : new ApiError(500, `The node failed: ${(error as Error)?.message ?? String(error)}`, 'server_error')
    if (res.headersSent) {
      // A stream already started: say it in the stream, then end it.
      if (!res.writableEnded) res.end(`data: ${JSON.stringify(apiError.body())}\n\ndata: [DONE]\n\n`)
      return
    }
    json(res, apiError.status, apiError.body(), apiError.status === 429 ? { 'retry-after': '1' } : {})
  }

  private async complete(endpoint: 'chat' | 'completion', req: IncomingMessage, res: ServerResponse, started: number) {
    const { engine, limits } = this.deps
    const superseded = this.deps.superseded?.()
    if (superseded) {
      throw new ApiError(503, `This node serves the model's superseded version ${superseded.served}; its canonical version is now ${superseded.canonical}. Nothing was charged.`, 'server_error', 'model', 'model_version_superseded')
    }
    const raw = await readBody(req, limits.maxBodyBytes)
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch (error) {
      throw new ApiError(400, `The request body is not valid JSON: ${(error as Error).message}.`, 'invalid_request_error', null, 'invalid_json')
    }
    const chat = endpoint === 'chat' ? parseChatRequest(body, limits) : undefined
    const completion = chat ? undefined : parseCompletionRequest(body, limits)
    const params: CommonParams = (chat ?? completion)!
    this.checkModel(params.model)
    // Paid before any work: the payment is checked (and a channel's ceiling reserved) before the prompt is tokenized,
    // so an unpaid request costs a 402 and nothing more, whatever its size.
    let paid: PaidRequest | undefined
    if (this.deps.payments) {
      paid = await this.deps.payments.authorize(req, params.maxTokens ?? limits.maxTokens, `http://${req.headers.host ?? 'node'}${endpointPath(endpoint)}`)
      this.deps.metrics.paymentOverhead.observe({ stage: 'verify' }, paid.verifyMs / 1000)
    }
    let promptTokens: Token[]
    let stop: string[]
    let maxTokens: number
    try {
      ;({ promptTokens, stop } = this.tokenize(chat, completion!))
      const contextSize = engine.info.contextSize
      if (promptTokens.length === 0) throw new ApiError(400, 'The prompt is empty after tokenization.', 'invalid_request_error', endpoint === 'chat' ? 'messages' : 'prompt')
      if (promptTokens.length >= contextSize) {
        throw new ApiError(400, `The prompt is ${promptTokens.length} tokens; this node's context holds ${contextSize} (prompt and output together).`, 'invalid_request_error', endpoint === 'chat' ? 'messages' : 'prompt', 'context_length_exceeded')
      }
      const room = contextSize - promptTokens.length
      if (params.maxTokens !== undefined && params.maxTokens > room) {
        throw new ApiError(400, `The prompt (${promptTokens.length} tokens) and max_tokens (${params.maxTokens}) exceed this node's context of ${contextSize} tokens.`, 'invalid_request_error', 'max_tokens', 'context_length_exceeded')
      }
      // An exact payment may lower the limit (its price covers at most the node's exact ceiling).
      maxTokens = Math.min(paid?.maxTokens ?? params.maxTokens ?? limits.maxTokens, room)
    } catch (error) {
      paid?.release()
      throw error
    }
    const seed = params.seed ?? randomInt(0, 2 ** 32 - 1)
    const id = randomBytes(12).toString('hex')
    const created = Math.floor(Date.now() / 1000)

    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('the client went away'))
    })
    let sequence
    try {
      sequence = await this.deps.scheduler.acquire(abort.signal)
    } catch (error) {
      paid?.release()
      throw error
    }
    // An exact transfer is settled only now: a refused prompt, a full queue or a client gone while queued pays nothing.
    try {
      await paid?.confirm()
    } catch (error) {
      this.deps.scheduler.release(sequence)
      paid?.release()
      throw error
    }
    const queuedMs = performance.now() - started
    const headers: Record<string, string> = { 'x-modeldao-receipt': id, 'x-modeldao-seed': String(seed), ...paid?.headers }
    const stream = params.stream ? new SseWriter(res, endpoint, id, created, this.deps.modelId, params.topLogprobs, headers) : undefined
    let result: GenerateResult
    try {
      result = await engine.generate(sequence, {
        promptTokens,
        maxTokens,
        temperature: params.temperature,
        topP: params.topP,
        seed,
        stop,
        topLogprobs: params.logprobs ? params.topLogprobs : 0,
        signal: abort.signal,
        onText: stream ? (delta, tokens) => stream.text(delta, params.logprobs ? tokens : undefined) : undefined,
      })
    } catch (error) {
      paid?.release()
      throw error
    } finally {
      this.deps.scheduler.release(sequence)
    }
    const { metrics } = this.deps
    metrics.promptTokens.inc(promptTokens.length)
    metrics.completionTokens.inc(result.tokens.length)
    if (result.timeToFirstTokenMs !== null) metrics.timeToFirstToken.observe((queuedMs + result.timeToFirstTokenMs) / 1000)
    // A client that hangs up before anything was generated pays nothing; one that hangs up mid-stream pays for the
    // tokens it was sent, and the node keeps the receipt of exactly those (it cannot travel to a client that left).
    const hungUp = result.finishReason === 'cancelled'
    if (hungUp && result.tokens.length === 0) return paid?.release()
    const usage: Record<string, unknown> = { prompt_tokens: promptTokens.length, completion_tokens: result.tokens.length, total_tokens: promptTokens.length + result.tokens.length }
    const draft = this.receipt(id, endpoint, requestHash(endpoint, body), promptTokens, { ...params, seed, maxTokens, stop }, result)
    this.deps.receipts.add(draft)
    if (paid) {
      // Booked (synchronously, on disk) before the response says what it cost.
      const done = await paid.complete(result.tokens.length, { id, commitment: receiptCommitment(draft) })
      this.deps.metrics.paymentOverhead.observe({ stage: 'record' }, done.recordMs / 1000)
      usage.cost = done.cost.toString()
      usage.cost_split = { holders: done.holders.toString(), operator: done.operator.toString() }
      // The receipt travels with the answer: a client (or a validator probing like one) checks it without asking again.
      usage.receipt = { id, signature: done.receiptSignature, draft }
      headers['payment-response'] = done.paymentResponse
      headers['x-modeldao-receipt-signature'] = done.receiptSignature
    }
    if (hungUp) return
    if (stream) return stream.finish(result, usage)
    const logprobs = params.logprobs ? (endpoint === 'chat' ? chatLogprobs(result.tokens, params.topLogprobs) : completionLogprobs(result.tokens, params.topLogprobs, 0)) : null
    const choice =
      endpoint === 'chat'
        ? { index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs, finish_reason: result.finishReason }
        : { index: 0, text: result.text, logprobs, finish_reason: result.finishReason }
    json(
      res,
      200,
      { id: `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${id}`, object: endpoint === 'chat' ? 'chat.completion' : 'text_completion', created, model: this.deps.modelId, system_fingerprint: this.fingerprint(), choices: [choice], usage },
      headers,
    )
  }

  /** The prompt's tokens and the stop strings its template adds. */
  private tokenize(chat: ChatRequest | undefined, completion: CompletionRequest): { promptTokens: Token[]; stop: string[] } {
    const { engine } = this.deps
    if (chat) {
      const rendered = engine.tokenizeChat(chat.messages)
      return { promptTokens: rendered.tokens, stop: [...chat.stop, ...rendered.stop] }
    }
    if (Array.isArray(completion.prompt)) {
      const bad = completion.prompt.find((t) => t >= this.deps.vocabularySize)
      if (bad !== undefined) throw new ApiError(400, `prompt token ${bad} is outside the ${this.deps.vocabularySize}-token vocabulary.`, 'invalid_request_error', 'prompt')
      return { promptTokens: completion.prompt as Token[], stop: completion.stop }
    }
    return { promptTokens: engine.tokenizePrompt(completion.prompt), stop: completion.stop }
  }

  private checkModel(model: string | undefined) {
    if (model === undefined || model === this.deps.modelId || this.deps.modelAliases.includes(model)) return
    throw new ApiError(404, `The model ${JSON.stringify(model)} is not served here; this node serves ${JSON.stringify(this.deps.modelId)}.`, 'not_found_error', 'model', 'model_not_found')
  }

  private fingerprint() {
    return `modeldao-${this.deps.weights.weightsCid.slice(-12)}`
  }

  private receipt(id: string, endpoint: 'chat' | 'completion', request: `0x${string}`, promptTokens: readonly Token[], sampling: Omit<ReceiptDraft['sampling'], 'topK'>, result: GenerateResult): ReceiptDraft {
    const { weights, engine } = this.deps
    return {
      id,
      createdAt: new Date().toISOString(),
      modelId: weights.modelId,
      manifestCid: weights.manifestCid,
      weightsCid: weights.weightsCid,
      endpoint,
      requestHash: request,
      textHash: textHash(result.text),
      promptHash: hashTokens(promptTokens),
      promptTokens: promptTokens.length,
      promptTokenIds: [...promptTokens],
      sampling: { temperature: sampling.temperature, topP: sampling.topP, topK: SAMPLING_TOP_K, seed: sampling.seed, maxTokens: sampling.maxTokens, stop: sampling.stop },
      outputTokens: result.tokens.map((t) => t.id),
      logprobs: result.tokens.map((t) => t.logprob),
      logitGaps: result.tokens.map((t) => t.logitGap),
      finishReason: result.finishReason,
      engine: { backend: engine.info.gpu || 'cpu', parallel: engine.info.parallel, threads: engine.info.threads, contextSize: engine.info.contextSize },
    }
  }
}

/** Server-sent events in OpenAI's chunk shapes; the last chunk carries finish_reason and usage. */
class SseWriter {
  private sentRole = false
  private textOffset = 0

  constructor(
    private readonly res: ServerResponse,
    private readonly endpoint: 'chat' | 'completion',
    private readonly id: string,
    private readonly created: number,
    private readonly model: string,
    private readonly topLogprobs: number,
    headers: Record<string, string>,
  ) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers })
  }

  private chunk(choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) {
    const body = {
      id: `${this.endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${this.id}`,
      object: this.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion',
      created: this.created,
      model: this.model,
      choices: choice ? [choice] : [],
      ...extra,
    }
    this.res.write(`data: ${JSON.stringify(body)}\n\n`)
  }

  text(delta: string, tokens: readonly ServedToken[] | undefined) {
    if (this.res.writableEnded) return
    const logprobs = tokens ? (this.endpoint === 'chat' ? chatLogprobs(tokens, this.topLogprobs) : completionLogprobs(tokens, this.topLogprobs, this.textOffset)) : null
    this.textOffset += delta.length
    if (this.endpoint === 'chat') {
      const role = this.sentRole ? {} : { role: 'assistant' }
      this.sentRole = true
      this.chunk({ index: 0, delta: { ...role, content: delta }, logprobs, finish_reason: null })
    } else {
      this.chunk({ index: 0, text: delta, logprobs, finish_reason: null })
    }
  }

  finish(result: GenerateResult, usage: Record<string, unknown>) {
    if (this.res.writableEnded) return
    const choice = this.endpoint === 'chat' ? { index: 0, delta: this.sentRole ? {} : { role: 'assistant', content: '' }, logprobs: null, finish_reason: result.finishReason } : { index: 0, text: '', logprobs: null, finish_reason: result.finishReason }
    this.chunk(choice, { usage })
    this.res.end('data: [DONE]\n\n')
  }
}
