import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ServingNode } from '../../../src/core/actions/node/startServingNode.js'
import { createModeldao } from '../../../src/core/context/context.js'
import { writeDevModel } from '../../../src/core/models/devModel.js'
import { hashTokens } from '../../../src/core/receipts/draft.js'
import { tempHome } from '../../helpers/tempHome.js'

type Home = Awaited<ReturnType<typeof tempHome>>
/** Response bodies are checked by the assertions, not by types. */
const loose = (value: unknown): any => value

const post = (url: string, body: unknown, init: RequestInit = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init })

/** The data lines of a server-sent event stream, parsed (without the final [DONE]). */
async function readStream(response: Response): Promise<{ chunks: any[]; done: boolean }> {
  const text = await response.text()
  const data = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6))
  return { chunks: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)), done: data.at(-1) === '[DONE]' }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(name))
  return line ? Number(line.split(' ').at(-1)) : 0
}

async function startNode(home: Home, modelPath: string, options: Partial<ConstructorParameters<typeof ServingNode>[1]> = {}) {
  const md = createModeldao({ home: home.root })
  const node = new ServingNode(md, { model: modelPath, port: 0, ...options })
  const info = await node.start()
  return { node, info, url: info.url, stop: async () => (await node.stop(), await md.dispose()) }
}

describe('serving node (real node-llama-cpp on a generated GGUF)', () => {
  let home: Home
  let model: string
  let node: Awaited<ReturnType<typeof startNode>>

  beforeAll(async () => {
    home = await tempHome()
    model = join(home.root, 'tiny.gguf')
    await writeDevModel(model, { preset: 'tiny', seed: 1, type: 'f32' })
    node = await startNode(home, model, { parallel: 4, contextSize: 256, maxTokens: 200 })
  })
  afterAll(async () => {
    await node?.stop()
    await home?.cleanup()
  })

  it('answers chat and completions with exact usage and leaves a receipt draft per request', async () => {
    const response = await post(`${node.url}/v1/completions`, { model: node.info.model, prompt: 'Once upon a time', max_tokens: 12, temperature: 0 })
    expect(response.status).toBe(200)
    const body = await response.json().then(loose)
    // "Once upon a time" is 16 characters, one token each with this byte-level vocabulary, plus BOS.
    expect(body.usage).toEqual({ prompt_tokens: 17, completion_tokens: 12, total_tokens: 29 })
    expect(body.choices[0]).toMatchObject({ finish_reason: 'length' })
    const receiptId = response.headers.get('x-modeldao-receipt')!
    const receipt = await (await fetch(`${node.url}/v1/receipts/${receiptId}`)).json().then(loose)
    expect(receipt).toMatchObject({ weightsCid: node.info.weights.weightsCid, promptTokens: 17, finishReason: 'length', sampling: { temperature: 0, maxTokens: 12 } })
    expect(receipt.sampling.seed).toBe(Number(response.headers.get('x-modeldao-seed')))
    expect(receipt.outputTokens).toHaveLength(12)
    expect(receipt.promptHash).toBe(hashTokens(node.node['engine']!.tokenizePrompt('Once upon a time')))
    // Greedy: every served token is the model's own first choice, with a real probability.
    expect(receipt.logitGaps).toEqual(Array(12).fill(0))
    for (const logprob of receipt.logprobs) expect(logprob).toBeLessThan(0)
    expect(receipt.logprobs.every((l: number) => l > -20)).toBe(true)

    const chat = await post(`${node.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, temperature: 0 })
    const chatBody = await chat.json().then(loose)
    expect(chatBody.object).toBe('chat.completion')
    expect(chatBody.usage.completion_tokens).toBe(5)
    expect(chatBody.usage.total_tokens).toBe(chatBody.usage.prompt_tokens + 5)
    expect(chatBody.choices[0].message.role).toBe('assistant')
  })

  it('streams with usage in the final chunk without being asked, the same text as without streaming', async () => {
    const request = { prompt: 'The quick brown fox', max_tokens: 16, temperature: 0 }
    const plain = await (await post(`${node.url}/v1/completions`, request)).json().then(loose)
    const streamed = await readStream(await post(`${node.url}/v1/completions`, { ...request, stream: true }))
    expect(streamed.done).toBe(true)
    const last = streamed.chunks.at(-1)
    expect(last.usage).toEqual(plain.usage)
    expect(last.choices[0].finish_reason).toBe('length')
    expect(streamed.chunks.slice(0, -1).every((c) => c.usage === undefined)).toBe(true)
    expect(streamed.chunks.map((c) => c.choices[0].text).join('')).toBe(plain.choices[0].text)

    const chat = await readStream(await post(`${node.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'Hello' }], max_tokens: 6, temperature: 0, stream: true }))
    expect(chat.chunks[0].choices[0].delta.role).toBe('assistant')
    expect(chat.chunks.at(-1).usage.completion_tokens).toBe(6)
  })

  it('gives logprobs and top_logprobs consistent with the receipt', async () => {
    const response = await post(`${node.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 3 })
    const body = await response.json().then(loose)
    const content = body.choices[0].logprobs.content
    expect(content).toHaveLength(4)
    const receipt = await (await fetch(`${node.url}/v1/receipts/${response.headers.get('x-modeldao-receipt')}`)).json().then(loose)
    content.forEach((entry: any, i: number) => {
      expect(entry.logprob).toBeCloseTo(receipt.logprobs[i], 6)
      expect(entry.top_logprobs).toHaveLength(3)
      // Greedy: the served token is the best alternative.
      expect(entry.top_logprobs[0].logprob).toBeCloseTo(entry.logprob, 5)
    })
  })

  it('samples reproducibly from a seed and records how far each sampled token was from the top choice', async () => {
    const request = { prompt: 'Sample me', max_tokens: 24, temperature: 1.2, seed: 42 }
    const first = await post(`${node.url}/v1/completions`, request)
    const second = await post(`${node.url}/v1/completions`, request)
    const [a, b] = [await first.json().then(loose), await second.json().then(loose)]
    expect(b.choices[0].text).toBe(a.choices[0].text)
    const greedy = await (await post(`${node.url}/v1/completions`, { ...request, temperature: 0 })).json().then(loose)
    expect(a.choices[0].text).not.toBe(greedy.choices[0].text)
    const receipt = await (await fetch(`${node.url}/v1/receipts/${first.headers.get('x-modeldao-receipt')}`)).json().then(loose)
    expect(receipt.sampling).toMatchObject({ temperature: 1.2, seed: 42, topK: 40, topP: 1 })
    expect(receipt.logitGaps.every((gap: number) => gap >= 0)).toBe(true)
    expect(receipt.logitGaps.some((gap: number) => gap > 0.01)).toBe(true)
    expect(receipt.logprobs.every((l: number) => Number.isFinite(l) && l <= 0)).toBe(true)
  })

  it('works with the official openai client: chat and completions, streaming and not', async () => {
    const client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'unused' })
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toEqual([node.info.model])
    const chat = await client.chat.completions.create({ model: node.info.model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8, temperature: 0 })
    expect(chat.usage).toMatchObject({ completion_tokens: 8 })
    const completion = await client.completions.create({ model: node.info.model, prompt: 'Hi', max_tokens: 8, temperature: 0 })
    expect(completion.usage?.completion_tokens).toBe(8)

    let text = ''
    let usage: OpenAI.CompletionUsage | undefined
    for await (const chunk of await client.chat.completions.create({ model: node.info.model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8, temperature: 0, stream: true })) {
      text += chunk.choices[0]?.delta.content ?? ''
      usage = chunk.usage ?? usage
    }
    expect(text).toBe(chat.choices[0]!.message.content)
    expect(usage?.completion_tokens).toBe(8)
    let streamedCompletion = ''
    for await (const chunk of await client.completions.create({ model: node.info.model, prompt: 'Hi', max_tokens: 8, temperature: 0, stream: true })) streamedCompletion += chunk.choices[0]?.text ?? ''
    expect(streamedCompletion).toBe(completion.choices[0]!.text)
  })

  it('serves 8 concurrent clients on 4 sequences with the same greedy tokens as one client alone', async () => {
    const prompts = Array.from({ length: 8 }, (_, i) => `Prompt number ${i}:`)
    const solo: string[] = []
    for (const prompt of prompts) solo.push((await (await post(`${node.url}/v1/completions`, { prompt, max_tokens: 24, temperature: 0 })).json().then(loose)).choices[0].text)
    const together = await Promise.all(prompts.map(async (prompt) => (await (await post(`${node.url}/v1/completions`, { prompt, max_tokens: 24, temperature: 0 })).json().then(loose)).choices[0].text))
    expect(together).toEqual(solo)
    expect(new Set(solo).size).toBeGreaterThan(1)
  })

  it('refuses bad requests in OpenAI error shape and keeps serving', async () => {
    const cases: [unknown, number, string | null][] = [
      ['{not json', 400, 'invalid_json'],
      [{ messages: 'hello' }, 400, null],
      [{ messages: [] }, 400, null],
      [{ messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' }, 400, null],
      [{ messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, 400, null],
      [{ messages: [{ role: 'user', content: 'x' }], max_tokens: 201 }, 400, 'max_tokens_exceeded'],
      [{ messages: [{ role: 'user', content: 'x'.repeat(300) }] }, 400, 'context_length_exceeded'],
      [{ messages: [{ role: 'wizard', content: 'x' }] }, 400, null],
      [{ model: 'gpt-4', messages: [{ role: 'user', content: 'x' }] }, 404, 'model_not_found'],
    ]
    for (const [body, status, code] of cases) {
      const response = await post(`${node.url}/v1/chat/completions`, body)
      expect(response.status, JSON.stringify(body)).toBe(status)
      const error = (await response.json().then(loose)).error
      expect(error).toMatchObject({ type: expect.any(String), message: expect.any(String) })
      if (code) expect(error.code).toBe(code)
    }
    const wrongType = await (await post(`${node.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' })).json().then(loose)
    expect(wrongType.error).toMatchObject({ param: 'max_tokens', message: 'max_tokens must be a number, got string.' })
    expect((await post(`${node.url}/v1/completions`, { prompt: [999999] })).status).toBe(400)
    expect((await post(`${node.url}/v1/completions`, 'x'.repeat(2 << 20))).status).toBe(413)
    expect((await fetch(`${node.url}/v1/nothing`)).status).toBe(404)
    expect((await post(`${node.url}/v1/completions`, { prompt: 'still here', max_tokens: 2 })).status).toBe(200)
  })

  it('moves its metrics: requests, tokens, latency histograms', async () => {
    const before = await metric(node.url, 'modeldao_completion_tokens_total')
    const requestsBefore = await metric(node.url, 'modeldao_requests_total{endpoint="completion",status="200"}')
    const ttftBefore = await metric(node.url, 'modeldao_time_to_first_token_seconds_count')
    await post(`${node.url}/v1/completions`, { prompt: 'count me', max_tokens: 7, temperature: 0 })
    expect(await metric(node.url, 'modeldao_completion_tokens_total')).toBe(before + 7)
    expect(await metric(node.url, 'modeldao_requests_total{endpoint="completion",status="200"}')).toBe(requestsBefore + 1)
    expect(await metric(node.url, 'modeldao_time_to_first_token_seconds_count')).toBe(ttftBefore + 1)
    const text = await (await fetch(`${node.url}/metrics`)).text()
    for (const name of ['modeldao_prompt_tokens_total', 'modeldao_request_duration_seconds_bucket', 'modeldao_queue_depth', 'modeldao_active_sequences']) expect(text).toContain(name)
    expect(await (await fetch(`${node.url}/health`)).json().then(loose)).toMatchObject({ status: 'ok', sequences: 4, active: 0, queued: 0 })
  })
})

describe('serving node under pressure (one sequence)', () => {
  let home: Home
  let node: Awaited<ReturnType<typeof startNode>>

  beforeAll(async () => {
    home = await tempHome()
    const model = join(home.root, 'tiny.gguf')
    await writeDevModel(model, { preset: 'tiny', seed: 2, type: 'q8_0' })
    node = await startNode(home, model, { parallel: 1, queue: 1, contextSize: 4096, maxTokens: 4000 })
  })
  afterAll(async () => {
    await node?.stop()
    await home?.cleanup()
  })

  it('answers 429 with Retry-After when the sequence is busy and the queue is full', async () => {
    const long = { prompt: 'long', max_tokens: 1200, temperature: 0 }
    const first = post(`${node.url}/v1/completions`, long)
    const second = post(`${node.url}/v1/completions`, long)
    // One generating, one queued: the queue (1) is full.
    await expect.poll(async () => (await (await fetch(`${node.url}/health`)).json().then(loose)) as { active: number; queued: number }, { timeout: 10_000, interval: 20 }).toMatchObject({ active: 1, queued: 1 })
    const third = await post(`${node.url}/v1/completions`, long)
    expect(third.status).toBe(429)
    expect(third.headers.get('retry-after')).toBe('1')
    expect((await third.json().then(loose)).error).toMatchObject({ type: 'rate_limit_error', code: 'queue_full' })
    expect((await first).status).toBe(200)
    expect((await second).status).toBe(200)
  })

  it('stops generating and frees the sequence when a streaming client disconnects', async () => {
    const cancelledBefore = await metric(node.url, 'modeldao_requests_total{endpoint="completion",status="cancelled"}')
    const tokensBefore = await metric(node.url, 'modeldao_completion_tokens_total')
    const abort = new AbortController()
    const response = await post(`${node.url}/v1/completions`, { prompt: 'endless', max_tokens: 3900, temperature: 0, stream: true }, { signal: abort.signal })
    const reader = response.body!.getReader()
    await reader.read()
    expect((await (await fetch(`${node.url}/health`)).json().then(loose)).active).toBe(1)
    abort.abort()
    await expect.poll(async () => (await (await fetch(`${node.url}/health`)).json().then(loose)).active, { timeout: 5000 }).toBe(0)
    expect(await metric(node.url, 'modeldao_requests_total{endpoint="completion",status="cancelled"}')).toBe(cancelledBefore + 1)
    // It stopped well before its 3,900 tokens.
    expect((await metric(node.url, 'modeldao_completion_tokens_total')) - tokensBefore).toBeLessThan(3000)
    const next = await post(`${node.url}/v1/completions`, { prompt: 'next', max_tokens: 3 })
    expect(next.status).toBe(200)
  })
})
