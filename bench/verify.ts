// Replay checks: the cost of replaying a receipt against the cost of generating it (one pass per receipt vs one
// decode per token), per preset, side by side in one run; and the share of receipts a replay flags for honest
// weights and for cheaper substitutes (fewer layers, another seed's weights, Q8_0 served for F32), with F32, Q8_0 and
// Q4_0 registered weights: receipts a validator needs for 99% detection, and honest receipts flagged (must be none).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDevModel, type DevModelOptions } from '../src/core/models/devModel.js'
import { InferenceEngine, SAMPLING_TOP_K } from '../src/core/serving/engine.js'
import { hashTokens } from '../src/core/receipts/draft.js'
import { replayReceipt, type ReplayableReceipt } from '../src/core/verify/replay.js'
import { detectionProbability } from '../src/core/verify/economics.js'
import { lineChartSvg } from './plot.js'
import { attempt, ratio, sidesOf, type Benchmark, type BenchPlot, type BenchRatio, type BenchRow } from './types.js'

const RECEIPTS = Number(process.env.MODELDAO_BENCH_VERIFY_RECEIPTS ?? 16)
const TOKENS = Number(process.env.MODELDAO_BENCH_VERIFY_TOKENS ?? 64)
const PROMPTS = ['Once upon a time', 'The quick brown fox', 'def main():', 'Dear Sir,', 'In 1887 the', 'SELECT * FROM', 'Weights and', 'Hello']

type Served = { promptTokens: number[]; receipt: ReplayableReceipt }

/** Greedy receipts from `modelPath`, one request at a time on one sequence (the node's setup), and the time they took. */
async function generate(modelPath: string): Promise<{ served: Served[]; ms: number }> {
  const engine = await InferenceEngine.open({ modelPath, contextSize: 256 })
  try {
    const [sequence] = engine.sequences()
    const served: Served[] = []
    let ms = 0
    // One untimed request first: the first decode allocates the compute graph.
    await engine.generate(sequence!, { promptTokens: engine.tokenizePrompt('warm up'), temperature: 0, topP: 1, seed: 0, maxTokens: 4, stop: [], topLogprobs: 0 })
    for (let i = 0; i < RECEIPTS; i++) {
      const promptTokens = engine.tokenizePrompt(`${PROMPTS[i % PROMPTS.length]} ${i}`)
      const started = performance.now()
      const result = await engine.generate(sequence!, { promptTokens, temperature: 0, topP: 1, seed: i, maxTokens: TOKENS, stop: [], topLogprobs: 0 })
      ms += performance.now() - started
      served.push({
        promptTokens: [...promptTokens],
        receipt: {
          promptHash: hashTokens(promptTokens),
          sampling: { temperature: 0, topP: 1, topK: SAMPLING_TOP_K, seed: i, maxTokens: TOKENS, stop: [] },
          outputTokens: result.tokens.map((t) => t.id),
          logprobs: result.tokens.map((t) => t.logprob),
          logitGaps: result.tokens.map((t) => t.logitGap),
        },
      })
    }
    return { served, ms }
  } finally {
    await engine.close()
  }
}

/** Replays every receipt against the reference weights; the time and how many were flagged. */
async function replay(referencePath: string, served: readonly Served[]): Promise<{ ms: number; flagged: number; byToken: number }> {
  const engine = await InferenceEngine.open({ modelPath: referencePath, contextSize: 256 })
  try {
    let ms = 0
    let flagged = 0
    let byToken = 0
    // One untimed replay first, as generation had its warm-up.
    if (served[0]) await replayReceipt(engine, served[0])
    for (const s of served) {
      const result = await replayReceipt(engine, s)
      ms += result.replayMs
      if (result.verdict === 'mismatch') flagged++
      if (result.reasons.includes('token')) byToken++
    }
    return { ms, flagged, byToken }
  } finally {
    await engine.close()
  }
}

/**
 * Replays `served` four at a time on four sequences of one reference context: node-llama-cpp decodes their prefills in
 * one batch. Prefills batched together stay bitwise identical to solo ones (only a generating neighbour changes the
 * numbers), so verdicts do not change; the cost per receipt drops.
 */
async function replayBatched(referencePath: string, served: readonly Served[], width = 4): Promise<{ ms: number; flagged: number }> {
  const engine = await InferenceEngine.open({ modelPath: referencePath, contextSize: 256, parallel: width })
  try {
    const sequences = engine.sequences()
    if (served[0]) await replayReceipt(engine, { ...served[0], sequence: sequences[0]! })
    let flagged = 0
    const started = performance.now()
    for (let i = 0; i < served.length; i += width) {
      const results = await Promise.all(served.slice(i, i + width).map((s, j) => replayReceipt(engine, { ...s, sequence: sequences[j]! })))
      flagged += results.filter((r) => r.verdict === 'mismatch').length
    }
    return { ms: performance.now() - started, flagged }
  } finally {
    await engine.close()
  }
}

export const verifyBenchmark: Benchmark = {
  name: 'verify',
  description: `Replay checks: replay vs generation time per preset (${RECEIPTS} greedy receipts × ${TOKENS} tokens, CPU, 1 thread); receipts flagged for honest and cheaper weights`,
  async run() {
    const rows: BenchRow[] = []
    const ratios: BenchRatio[] = []
    const dir = mkdtempSync(join(tmpdir(), 'modeldao-bench-verify-'))
    const model = async (name: string, options: DevModelOptions) => {
      const path = join(dir, `${name}.gguf`)
      await writeDevModel(path, options)
      return path
    }
    try {
      for (const preset of ['tiny', 'small', 'peaked'] as const) {
        await attempt(rows, `${preset}: replay / generation`, 'ms', async () => {
          const registered = await model(`${preset}-f32`, { preset, seed: 1, type: 'f32' })
          const honest = await generate(registered)
          const checked = await replay(registered, honest.served)
          rows.push({ label: `${preset} f32: generation, ${RECEIPTS} receipts`, value: honest.ms, unit: 'ms' }, { label: `${preset} f32: replay of the same receipts`, value: checked.ms, unit: 'ms' })
          rows.push({ label: `${preset} f32: honest receipts flagged`, value: checked.flagged, unit: `of ${RECEIPTS}` })
          ratios.push(ratio(`${preset}: replay / generation time (CPU, one receipt at a time)`, checked.ms / honest.ms, undefined, sidesOf(rows, `${preset} f32: replay of the same receipts`, `${preset} f32: generation, ${RECEIPTS} receipts`)))
          const batched = await replayBatched(registered, honest.served)
          rows.push({ label: `${preset} f32: replay, 4 receipts per batch`, value: batched.ms, unit: 'ms' }, { label: `${preset} f32: honest receipts flagged, batched`, value: batched.flagged, unit: `of ${RECEIPTS}` })
          ratios.push(ratio(`${preset}: batched replay / generation time (CPU)`, batched.ms / honest.ms, { op: '<=', value: 0.25 }, sidesOf(rows, `${preset} f32: replay, 4 receipts per batch`, `${preset} f32: generation, ${RECEIPTS} receipts`)))
          ratios.push(ratio(`${preset}: honest receipts flagged (false challenges)`, checked.flagged / RECEIPTS, { op: '<=', value: 0 }))
          const substitutes: [string, DevModelOptions][] = [
            ['one layer fewer', { preset, seed: 1, type: 'f32', layers: preset === 'small' ? 2 : 1 }],
            ["another seed's weights", { preset, seed: 2, type: 'f32' }],
            ['Q8_0 served for F32', { preset, seed: 1, type: 'q8_0' }],
            ['F16 served for F32', { preset, seed: 1, type: 'f16' }],
            ['Q4_0 served for F32', { preset, seed: 1, type: 'q4_0' }],
          ]
          for (const [label, options] of substitutes) {
            const cheap = await generate(await model(`${preset}-${label.replace(/\W+/g, '-')}`, options))
            const caught = await replay(registered, cheap.served)
            rows.push({ label: `${preset}: ${label}: receipts flagged`, value: caught.flagged, unit: `of ${RECEIPTS}` })
            // Flagged by a served token the weights would not pick, as opposed to by claimed numbers alone.
            rows.push({ label: `${preset}: ${label}: flagged by a diverging token`, value: caught.byToken, unit: `of ${RECEIPTS}` })
            ratios.push(ratio(`${preset}: ${label}: detection per receipt`, caught.flagged / RECEIPTS, /^(Q8|Q4|F16)/.test(label) ? undefined : { op: '>=', value: 0.99 }))
          }
        })
        // Quantized registered weights: honest receipts must pass, cheaper substitutes of the same type be flagged.
        for (const type of ['q8_0', 'q4_0'] as const) {
          const name = type.toUpperCase()
          await attempt(rows, `${preset} ${name} registered`, `of ${RECEIPTS}`, async () => {
            const registered = await model(`${preset}-${type}`, { preset, seed: 1, type })
            const honest = await replay(registered, (await generate(registered)).served)
            rows.push({ label: `${preset} ${name} registered: honest receipts flagged`, value: honest.flagged, unit: `of ${RECEIPTS}` })
            ratios.push(ratio(`${preset} ${name} registered: honest receipts flagged (false challenges)`, honest.flagged / RECEIPTS, { op: '<=', value: 0 }))
            const substitutes: [string, DevModelOptions][] = [
              ['one layer fewer', { preset, seed: 1, type, layers: preset === 'small' ? 2 : 1 }],
              ["another seed's weights", { preset, seed: 2, type }],
              ...(type === 'q8_0' ? [['Q4_0 served', { preset, seed: 1, type: 'q4_0' }] as [string, DevModelOptions]] : []),
            ]
            for (const [label, options] of substitutes) {
              const caught = await replay(registered, (await generate(await model(`${preset}-${type}-${label.replace(/\W+/g, '-')}`, options))).served)
              const f = caught.flagged / RECEIPTS
              rows.push({ label: `${preset} ${name} registered: ${label}: receipts flagged`, value: caught.flagged, unit: `of ${RECEIPTS}` })
              // Receipts a validator needs for a 99% chance of flagging at least one (∞ when none was flagged).
              const needed = f >= 1 ? 1 : f <= 0 ? Number.POSITIVE_INFINITY : Math.ceil(Math.log(0.01) / Math.log(1 - f))
              ratios.push(ratio(`${preset} ${name} registered: ${label}: receipts for 99% detection`, needed, { op: '<=', value: 50 }))
            }
          })
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    return { rows, ratios, plots: detectionPlot(ratios) }
  },
}

/**
 * The detection curve 1 − (1 − p·f)^n of a node cheating on every request, for three probe rates p, with f the
 * detection per probed receipt measured above (peaked model: one layer fewer, and Q4_0 served for F32).
 */
function detectionPlot(ratios: readonly BenchRatio[]): BenchPlot[] {
  const measured = (label: string) => ratios.find((r) => r.label === `peaked: ${label}: detection per receipt`)?.value ?? Number.NaN
  const layers = measured('one layer fewer')
  const q4 = measured('Q4_0 served for F32')
  if (!Number.isFinite(layers)) return []
  const requests = Array.from({ length: 61 }, (_, i) => i * 5)
  const curve = (p: number, f: number) => requests.map((n) => [n, detectionProbability(p, Math.min(1, f), n)] as const)
  const series = [0.01, 0.05, 0.1].map((p) => ({ name: `probe ${p * 100}%, fewer layers`, points: curve(p, layers) }))
  if (Number.isFinite(q4)) series.push({ name: `probe 5%, Q4_0 (f=${q4.toFixed(2)})`, points: curve(0.05, q4), dashed: true } as (typeof series)[number])
  return [{ name: 'detection-curve', svg: lineChartSvg({ title: 'Chance a cheating node is caught', xLabel: 'requests served', yLabel: 'P(caught)', yMax: 1, series }) }]
}
