// The serving node, side by side in one run: (a) single-stream tokens/s through HTTP (the node as its own process,
// receipt capture on) vs node-llama-cpp called directly on the same GGUF, prompt and parameters; (b) aggregate tokens/s
// with 1, 4 and 8 concurrent clients on --parallel 8; (c) time to first token p50/p99 under a bounded loopback load
// (16 streaming clients for a fixed time), and autocannon's view of the same load (requests/s, errors).
// `npm run bench -- serve --gpu cuda` runs it on a CUDA GPU, or skips saying why when there is none.
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { writeDevModel } from '../src/core/models/devModel.js'
import type { DevModelPreset } from '../src/core/models/devModel.js'
import { startCli } from '../test/helpers/cli.js'
import { lineChartSvg } from './plot.js'
import { attempt, ratio, sidesOf, type Benchmark, type BenchRatio, type BenchRow } from './types.js'

const argv = process.argv.slice(2)
const flag = (name: string) => {
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (at === -1) return undefined
  return argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1]
}
const GPU = (flag('gpu') ?? 'off') as 'off' | 'cuda'
const PRESET = (process.env.MODELDAO_BENCH_SERVE_PRESET ?? (GPU === 'cuda' ? '1b' : 'small')) as DevModelPreset
const TOKENS = Number(process.env.MODELDAO_BENCH_SERVE_TOKENS ?? 256)
const REPEATS = Number(process.env.MODELDAO_BENCH_SERVE_REPEATS ?? 5)
const LOAD_SECONDS = Number(process.env.MODELDAO_BENCH_SERVE_LOAD_SECONDS ?? 10)
const PROMPT = 'In a quiet valley between two rivers, the old cartographer unrolled a map and began to explain why'

type Node = { url: string; model: string; stop: () => Promise<void> }

/** Starts `node serve` as its own process (the client then does not share its event loop) and waits for it. */
async function startNode(home: string, model: string, args: string[]): Promise<Node> {
  const node = await startCli(['node', 'serve', '--model', model, '--port', '0', '--gpu', GPU, '--json', ...args], { home })
  return { url: node.ready.url, model: node.ready.model, stop: async () => void (await node.stop()) }
}

async function complete(url: string, body: Record<string, unknown>): Promise<{ tokens: number; ms: number }> {
  const started = performance.now()
  const response = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
  if (body.stream) {
    let usage: { completion_tokens: number } | undefined
    const text = await response.text()
    for (const event of text.split('\n\n')) if (event.startsWith('data: {')) usage = JSON.parse(event.slice(6)).usage ?? usage
    return { tokens: usage!.completion_tokens, ms: performance.now() - started }
  }
  const json = (await response.json()) as { usage: { completion_tokens: number } }
  return { tokens: json.usage.completion_tokens, ms: performance.now() - started }
}

/** Streams one completion and returns the time to its first text chunk. */
async function timeToFirstToken(url: string, maxTokens: number): Promise<number> {
  const started = performance.now()
  const response = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: PROMPT, max_tokens: maxTokens, temperature: 0, stream: true }),
  })
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  const reader = response.body!.getReader()
  let first: number | undefined
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (first === undefined && new TextDecoder().decode(value).includes('"text":"')) first = performance.now() - started
  }
  if (first === undefined) throw new Error('no text chunk')
  return first
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** node-llama-cpp alone: the same GGUF, prompt and greedy parameters, one sequence, tokens/s over `TOKENS`. */
async function directRunner(modelPath: string) {
  const { getLlama } = await import('node-llama-cpp')
  const llama = await getLlama({ gpu: GPU === 'off' ? false : GPU, build: 'never', skipDownload: true, maxThreads: 1, progressLogs: false })
  const model = await llama.loadModel({ modelPath, gpuLayers: GPU === 'off' ? 0 : 'auto' })
  const context = await model.createContext({ contextSize: 2048, threads: 1 })
  const sequence = context.getSequence()
  const prompt = [model.tokens.bos!, ...model.tokenize(PROMPT)]
  return {
    async run(): Promise<number> {
      await sequence.clearHistory()
      const started = performance.now()
      let count = 0
      for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
        void token
        if (++count >= TOKENS) break
      }
      return count / ((performance.now() - started) / 1000)
    },
    async close() {
      await context.dispose()
      await model.dispose()
      await llama.dispose()
    },
  }
}

async function cudaMissing(): Promise<string | undefined> {
  if (GPU !== 'cuda') return undefined
  try {
    const { getLlama } = await import('node-llama-cpp')
    const llama = await getLlama({ gpu: 'cuda', build: 'never', skipDownload: true, progressLogs: false })
    await llama.dispose()
    return undefined
  } catch (error) {
    return `no CUDA here (${(error as Error).message.split('\n')[0]}): install @node-llama-cpp/linux-x64-cuda on a machine with an NVIDIA GPU and CUDA 13`
  }
}

export const serveBenchmark: Benchmark = {
  name: 'serve',
  description: `Serving node vs node-llama-cpp directly (${PRESET} preset, ${GPU === 'off' ? 'CPU, 1 thread' : GPU}, ${TOKENS} greedy tokens): single-stream overhead, aggregate scaling on --parallel 8, time to first token under load`,
  async run() {
    const rows: BenchRow[] = []
    const ratios: BenchRatio[] = []
    const skipped = await cudaMissing()
    if (skipped) {
      console.log(`  skipped: ${skipped}`)
      return { rows, ratios, environment: { skipped } }
    }
    const dir = await mkdtemp(join(tmpdir(), 'modeldao-bench-serve-'))
    const modelPath = join(dir, `${PRESET}.gguf`)
    await writeDevModel(modelPath, { preset: PRESET, seed: 1, type: GPU === 'off' ? 'f32' : 'q8_0' })
    const home = join(dir, 'home')
    try {
      // (a) one client: direct vs non-streaming HTTP vs streaming HTTP, interleaved so drift hits all three alike.
      await attempt(rows, 'single stream', 'tok/s', async () => {
        const direct = await directRunner(modelPath)
        const node = await startNode(home, modelPath, ['--parallel', '1', '--threads', '1', '--max-tokens', String(TOKENS)])
        try {
          const body = { prompt: PROMPT, max_tokens: TOKENS, temperature: 0 }
          await direct.run()
          await complete(node.url, body)
          const directRates: number[] = []
          const httpRates: number[] = []
          const streamRates: number[] = []
          for (let i = 0; i < REPEATS; i++) {
            directRates.push(await direct.run())
            const plain = await complete(node.url, body)
            httpRates.push(plain.tokens / (plain.ms / 1000))
            const streamed = await complete(node.url, { ...body, stream: true })
            streamRates.push(streamed.tokens / (streamed.ms / 1000))
          }
          const [d, h, s] = [median(directRates), median(httpRates), median(streamRates)]
          rows.push({ label: 'node-llama-cpp directly (sequence.evaluate)', value: d, unit: 'tok/s' })
          rows.push({ label: 'node over HTTP, JSON response (receipt capture on)', value: h, unit: 'tok/s' })
          rows.push({ label: 'node over HTTP, SSE stream (receipt capture on)', value: s, unit: 'tok/s' })
          ratios.push(ratio('HTTP JSON / direct (target ≥ 0.97: overhead ≤ 3%)', h / d, { op: '>=', value: 0.97 }, sidesOf(rows, 'node over HTTP, JSON response (receipt capture on)', 'node-llama-cpp directly (sequence.evaluate)')))
          ratios.push(ratio('HTTP stream / direct (target ≥ 0.97)', s / d, { op: '>=', value: 0.97 }, sidesOf(rows, 'node over HTTP, SSE stream (receipt capture on)', 'node-llama-cpp directly (sequence.evaluate)')))
        } finally {
          await node.stop()
          await direct.close()
        }
      })

      // (b) and (c) on one node with 8 sequences.
      await attempt(rows, 'parallel 8', 'tok/s', async () => {
        const node = await startNode(home, modelPath, ['--parallel', '8', '--threads', '1', '--max-tokens', String(TOKENS), '--context-size', '1024'])
        try {
          const aggregate: Record<number, number> = {}
          for (const clients of [1, 4, 8]) {
            await Promise.all(Array.from({ length: clients }, () => complete(node.url, { prompt: PROMPT, max_tokens: 16, temperature: 0 })))
            const started = performance.now()
            const done = await Promise.all(Array.from({ length: clients }, (_, i) => complete(node.url, { prompt: `${PROMPT} ${i}`, max_tokens: TOKENS / 2, temperature: 0 })))
            aggregate[clients] = done.reduce((n, r) => n + r.tokens, 0) / ((performance.now() - started) / 1000)
            rows.push({ label: `aggregate, ${clients} concurrent client(s) on --parallel 8`, value: aggregate[clients], unit: 'tok/s' })
          }
          ratios.push(ratio('aggregate 4 clients / 1 client', aggregate[4]! / aggregate[1]!, undefined, sidesOf(rows, 'aggregate, 4 concurrent client(s) on --parallel 8', 'aggregate, 1 concurrent client(s) on --parallel 8')))
          ratios.push(ratio(`aggregate 8 clients / 1 client${GPU === 'cuda' ? ' (GPU target ≥ 8 at 16 sequences)' : ''}`, aggregate[8]! / aggregate[1]!, undefined, sidesOf(rows, 'aggregate, 8 concurrent client(s) on --parallel 8', 'aggregate, 1 concurrent client(s) on --parallel 8')))

          // (c) 16 streaming clients for LOAD_SECONDS: 8 generate, 8 wait in the queue.
          const ttft: number[] = []
          let errors = 0
          const until = performance.now() + LOAD_SECONDS * 1000
          await Promise.all(
            Array.from({ length: 16 }, async () => {
              while (performance.now() < until) {
                try {
                  ttft.push(await timeToFirstToken(node.url, 16))
                } catch {
                  errors++
                }
              }
            }),
          )
          rows.push({ label: `time to first token p50 (16 streaming clients, ${LOAD_SECONDS}s, ${ttft.length} requests)`, value: percentile(ttft, 50), unit: 'ms' })
          rows.push({ label: 'time to first token p99', value: percentile(ttft, 99), unit: 'ms' })
          rows.push({ label: 'errors under load', value: errors, unit: 'requests' })
          ratios.push(ratio('errors under load (target 0)', errors, { op: '<=', value: 0 }))

          const cannon = await autocannon({
            url: `${node.url}/v1/completions`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ prompt: PROMPT, max_tokens: 16, temperature: 0 }),
            connections: 16,
            duration: LOAD_SECONDS,
          })
          rows.push({ label: `autocannon: 16 connections, ${LOAD_SECONDS}s, max_tokens 16`, value: cannon.requests.average, unit: 'req/s' })
          rows.push({ label: 'autocannon latency p50', value: cannon.latency.p50, unit: 'ms' })
          rows.push({ label: 'autocannon latency p99', value: cannon.latency.p99, unit: 'ms' })
          rows.push({ label: 'autocannon errors + non-2xx', value: cannon.errors + cannon.non2xx + cannon.timeouts, unit: 'requests' })
          ratios.push(ratio('autocannon errors (target 0)', cannon.errors + cannon.non2xx + cannon.timeouts, { op: '<=', value: 0 }))
        } finally {
          await node.stop()
        }
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const scaling = [1, 4, 8].map((clients) => [clients, rows.find((r) => r.label === `aggregate, ${clients} concurrent client(s) on --parallel 8`)?.value ?? Number.NaN] as const)
    const plots = Number.isFinite(scaling[0]![1])
      ? [{
          name: 'serve-scaling',
          svg: lineChartSvg({
            title: `Serving: aggregate tokens/s (${PRESET}, ${GPU === 'off' ? `CPU, ${cpus().length} cores` : GPU})`,
            xLabel: 'concurrent clients (node --parallel 8)',
            yLabel: 'tokens per second, all clients',
            series: [
              { name: 'measured', points: scaling },
              { name: 'linear from 1 client', points: scaling.map(([c]) => [c, c * scaling[0]![1]] as const), dashed: true },
            ],
          }),
        }]
      : []
    return { rows, ratios, plots, environment: { preset: PRESET, gpu: GPU, cpus: `${cpus().length}` } }
  },
}
