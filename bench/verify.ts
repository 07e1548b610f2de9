// Replay checks, side by side in one run:
// - the cost of replaying a receipt against the cost of generating it, per preset, and the audit cost per served token
//   at a 5% audit rate;
// - honest receipts flagged (false challenges, must be none) over a matrix of how paid nodes serve: F32, Q8_0 and Q4_0
//   weights, 1 and 4 concurrent sequences, greedy and sampled, prompts shorter and longer than a batch, one decode
//   thread; and with two decode threads (which `node serve` refuses for a paid CPU node), to show why;
// - the share of receipts flagged for cheaper substitutes (fewer layers, another seed's weights, a lower precision)
//   with F32, Q8_0 and Q4_0 registered weights, and the receipts a validator needs for 99% detection.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDevModel, type DevModelOptions } from '../src/core/models/devModel.js'
import { InferenceEngine, SAMPLING_TOP_K } from '../src/core/serving/engine.js'
import { hashTokens } from '../src/core/receipts/draft.js'
import { replayReceipt, type ReplayableReceipt } from '../src/core/verify/replay.js'
import { detectionProbability } from '../src/core/verify/economics.js'
import { PROBE_CORPUS } from '../src/core/verify/probes.js'
import { lineChartSvg } from './plot.js'
import { attempt, ratio, sidesOf, type Benchmark, type BenchPlot, type BenchRatio, type BenchRow } from './types.js'

const RECEIPTS = Number(process.env.MODELDAO_BENCH_VERIFY_RECEIPTS ?? 16)
const TOKENS = Number(process.env.MODELDAO_BENCH_VERIFY_TOKENS ?? 64)
/** Honest receipts per cell of the matrix (3 presets × 3 types × 2 concurrencies × 2 profiles). */
const HONEST = Number(process.env.MODELDAO_BENCH_VERIFY_HONEST ?? 32)
const HONEST_TOKENS = 48
/** The share of served receipts a client or validator audits by replay. */
const AUDIT_RATE = 0.05

type Served = { promptTokens: number[]; receipt: ReplayableReceipt }
type GenerateSetup = { threads?: number; sequences?: number; count?: number; tokens?: number; sampled?: (i: number) => boolean }

/** A client-like prompt; every third one longer than a batch of quantized weights (several shorter ones joined). */
const promptOf = (i: number): string => (i % 3 === 0 ? PROBE_CORPUS.slice(i % 700, (i % 700) + 8).join(' ') : PROBE_CORPUS[(i * 37) % PROBE_CORPUS.length]!)

/**
 * Receipts from `modelPath` as a node makes them: `sequences` requests at a time on one context (prefills and decodes
 * share its batches), greedy or sampled at T = 1 with a seed per request; and the wall time they took.
 */
async function generate(modelPath: string, setup: GenerateSetup = {}): Promise<{ served: Served[]; ms: number }> {
  const { threads = 1, sequences = 1, count = RECEIPTS, tokens = TOKENS, sampled = () => false } = setup
  const engine = await InferenceEngine.open({ modelPath, contextSize: 512, threads, parallel: sequences })
  try {
    const slots = engine.sequences()
    // One untimed request first: the first decode allocates the compute graph.
    await engine.generate(slots[0]!, { promptTokens: engine.tokenizePrompt('warm up'), temperature: 0, topP: 1, seed: 0, maxTokens: 4, stop: [], topLogprobs: 0 })
    const served: Served[] = new Array(count)
    let next = 0
    const started = performance.now()
    await Promise.all(
      slots.map(async (slot) => {
        for (let i = next++; i < count; i = next++) {
          const promptTokens = engine.tokenizePrompt(promptOf(i))
          const temperature = sampled(i) ? 1 : 0
          const result = await engine.generate(slot, { promptTokens, temperature, topP: 1, seed: i, maxTokens: tokens, stop: [], topLogprobs: 0 })
          served[i] = {
            promptTokens: [...promptTokens],
            receipt: {
              promptHash: hashTokens(promptTokens),
              sampling: { temperature, topP: 1, topK: SAMPLING_TOP_K, seed: i, maxTokens: tokens, stop: [] },
              outputTokens: result.tokens.map((t) => t.id),
              logprobs: result.tokens.map((t) => t.logprob),
              logitGaps: result.tokens.map((t) => t.logitGap),
              finishReason: result.finishReason,
            },
          }
        }
      }),
    )
    return { served, ms: performance.now() - started }
  } finally {
    await engine.close()
  }
}

/** Replays every receipt against the reference weights; the time and how many were flagged. */
async function replay(referencePath: string, served: readonly Served[]): Promise<{ ms: number; flagged: number; byToken: number; worstMean: number }> {
  const engine = await InferenceEngine.open({ modelPath: referencePath, contextSize: 512 })
  try {
    let ms = 0
    let flagged = 0
    let byToken = 0
    let worstMean = 0
    // One untimed replay first, as generation had its warm-up.
    if (served[0]) await replayReceipt(engine, served[0])
    for (const s of served) {
      const result = await replayReceipt(engine, s)
      ms += result.replayMs
      if (result.verdict === 'mismatch') flagged++
      if (result.reasons.includes('token')) byToken++
      worstMean = Math.max(worstMean, result.meanLogprobError, result.meanGapError)
    }
    return { ms, flagged, byToken, worstMean }
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
  const engine = await InferenceEngine.open({ modelPath: referencePath, contextSize: 512, parallel: width })
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

/** Substitutes a node might serve instead of `type` weights of `preset`: cheaper or merely other weights. */
function substitutesOf(preset: DevModelOptions['preset'], type: 'f32' | 'q8_0' | 'q4_0'): [string, DevModelOptions][] {
  const lower: Record<typeof type, [string, DevModelOptions['type']][]> = {
    f32: [['F16 served', 'f16'], ['Q8_0 served', 'q8_0'], ['Q4_0 served', 'q4_0']],
    q8_0: [['Q4_0 served', 'q4_0']],
    q4_0: [],
  }
  return [
    ['one layer fewer', { preset, seed: 1, type, layers: preset === 'small' ? 2 : 1 }],
    ["another seed's weights", { preset, seed: 2, type }],
    ...lower[type].map(([label, t]): [string, DevModelOptions] => [label, { preset, seed: 1, type: t }]),
  ]
}

export const verifyBenchmark: Benchmark = {
  name: 'verify',
  description: `Replay checks: replay vs generation time and the audit cost at ${AUDIT_RATE * 100}%; honest receipts flagged over ${HONEST * 36} receipts (presets × F32/Q8_0/Q4_0 × 1/4 sequences × greedy/sampled, one decode thread), and with 2 decode threads; substitutes flagged (${RECEIPTS} receipts × ${TOKENS} tokens each, half sampled)`,
  async run() {
    const rows: BenchRow[] = []
    const ratios: BenchRatio[] = []
    const dir = mkdtempSync(join(tmpdir(), 'modeldao-bench-verify-'))
    const model = async (name: string, options: DevModelOptions) => {
      const path = join(dir, `${name}.gguf`)
      await writeDevModel(path, options)
      return path
    }
    let honestTotal = 0
    let honestFlagged = 0
    try {
      for (const preset of ['tiny', 'small', 'peaked'] as const) {
        await attempt(rows, `${preset}: replay / generation`, 'ms', async () => {
          const registered = await model(`${preset}-f32`, { preset, seed: 1, type: 'f32' })
          const honest = await generate(registered)
          const checked = await replay(registered, honest.served)
          rows.push({ label: `${preset} f32: generation, ${RECEIPTS} receipts`, value: honest.ms, unit: 'ms' }, { label: `${preset} f32: replay of the same receipts`, value: checked.ms, unit: 'ms' })
          ratios.push(ratio(`${preset}: replay / generation time (CPU, one receipt at a time)`, checked.ms / honest.ms, { op: '<=', value: 0.25 }, sidesOf(rows, `${preset} f32: replay of the same receipts`, `${preset} f32: generation, ${RECEIPTS} receipts`)))
          // Auditing AUDIT_RATE of the receipts costs that share of their replay time, spread over every served token.
          ratios.push(ratio(`${preset}: audit cost per served token at ${AUDIT_RATE * 100}% audits / generation time`, (AUDIT_RATE * checked.ms) / honest.ms, { op: '<=', value: 0.01 }))
          const batched = await replayBatched(registered, honest.served)
          rows.push({ label: `${preset} f32: replay, 4 receipts per batch`, value: batched.ms, unit: 'ms' })
          // Four replays in one context attend over one shared cache: with long prompts that costs more than it saves.
          ratios.push(ratio(`${preset}: batched replay / generation time (CPU)`, batched.ms / honest.ms, undefined, sidesOf(rows, `${preset} f32: replay, 4 receipts per batch`, `${preset} f32: generation, ${RECEIPTS} receipts`)))
        })
        for (const type of ['f32', 'q8_0', 'q4_0'] as const) {
          const name = type.toUpperCase()
          await attempt(rows, `${preset} ${name} registered`, 'receipts', async () => {
            const registered = await model(`${preset}-${type}`, { preset, seed: 1, type })
            // Honest receipts over the ways a paid CPU node serves (one thread per decode; 1 or 4 sequences sharing
            // batches; greedy or sampled): none may be flagged.
            let flagged = 0
            let worstMean = 0
            let count = 0
            for (const sequences of [1, 4]) {
              for (const profile of ['greedy', 'sampled'] as const) {
                const honest = await generate(registered, { sequences, count: HONEST, tokens: HONEST_TOKENS, sampled: () => profile === 'sampled' })
                const checked = await replay(registered, honest.served)
                flagged += checked.flagged
                worstMean = Math.max(worstMean, checked.worstMean)
                count += HONEST
              }
            }
            honestTotal += count
            honestFlagged += flagged
            rows.push({ label: `${preset} ${name} registered: honest receipts flagged`, value: flagged, unit: `of ${count}` })
            rows.push({ label: `${preset} ${name} registered: worst honest mean error per receipt`, value: worstMean, unit: 'nat' })
            // Two threads per decode, which a paid CPU node refuses: measured to show why (long prompts drift).
            const threaded = await replay(registered, (await generate(registered, { threads: 2, count: RECEIPTS, tokens: HONEST_TOKENS })).served)
            rows.push({ label: `${preset} ${name} registered: 2 decode threads (refused by node serve): honest receipts flagged`, value: threaded.flagged, unit: `of ${RECEIPTS}`, note: `worst mean error ${threaded.worstMean.toExponential(1)} nat` })
            for (const [label, options] of substitutesOf(preset, type)) {
              // Half greedy, half sampled at T = 1: a node cannot pick which ones are audited.
              const cheap = await generate(await model(`${preset}-${type}-${label.replace(/\W+/g, '-')}`, options), { sampled: (i) => i % 2 === 1 })
              const caught = await replay(registered, cheap.served)
              const f = caught.flagged / RECEIPTS
              rows.push({ label: `${preset} ${name} registered: ${label}: receipts flagged`, value: caught.flagged, unit: `of ${RECEIPTS}` })
              // Flagged by a served token the weights would not pick, as opposed to by claimed numbers alone.
              rows.push({ label: `${preset} ${name} registered: ${label}: flagged by a diverging token`, value: caught.byToken, unit: `of ${RECEIPTS}` })
              ratios.push(ratio(`${preset} ${name} registered: ${label}: detection per receipt`, f))
              // Receipts a validator needs for a 99% chance of flagging at least one (∞ when none was flagged).
              const needed = f >= 1 ? 1 : f <= 0 ? Number.POSITIVE_INFINITY : Math.ceil(Math.log(0.01) / Math.log(1 - f))
              // F16 for F32 is not one of the substitutes to catch (lower precision, not a quantization or other weights):
              // its numbers stay within the honest bounds. Its detection is reported above, not targeted.
              if (label !== 'F16 served') ratios.push(ratio(`${preset} ${name} registered: ${label}: receipts for 99% detection`, needed, { op: '<=', value: 50 }))
            }
          })
        }
      }
      rows.push({ label: 'honest receipts replayed, all cells', value: honestTotal, unit: 'receipts' }, { label: 'honest receipts flagged, all cells', value: honestFlagged, unit: 'receipts' })
      ratios.push(ratio(`honest receipts flagged (false challenges) over ${honestTotal}`, honestTotal > 0 ? honestFlagged / honestTotal : Number.NaN, { op: '<=', value: 0 }))
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
  const measured = (label: string) => ratios.find((r) => r.label === `peaked F32 registered: ${label}: detection per receipt`)?.value ?? Number.NaN
  const layers = measured('one layer fewer')
  const q4 = measured('Q4_0 served')
  if (!Number.isFinite(layers)) return []
  const requests = Array.from({ length: 61 }, (_, i) => i * 5)
  const curve = (p: number, f: number) => requests.map((n) => [n, detectionProbability(p, Math.min(1, f), n)] as const)
  const series = [0.01, 0.05, 0.1].map((p) => ({ name: `probe ${p * 100}%, fewer layers`, points: curve(p, layers) }))
  if (Number.isFinite(q4)) series.push({ name: `probe 5%, Q4_0 (f=${q4.toFixed(2)})`, points: curve(0.05, q4), dashed: true } as (typeof series)[number])
  return [{ name: 'detection-curve', svg: lineChartSvg({ title: 'Chance a cheating node is caught', xLabel: 'requests served', yLabel: 'P(caught)', yMax: 1, series }) }]
}
