// The honest floor: ≥ 1,000 honest requests served under different engine setups (1 and 2 threads, 1 and 4
// sequences decoding together), greedy and sampled, each replayed on the verification profile (1 thread, 1
// sequence). Counts false challenges and the largest claim errors honest weights produce. Named only (minutes).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDevModel } from '../src/core/models/devModel.js'
import { InferenceEngine, SAMPLING_TOP_K } from '../src/core/serving/engine.js'
import { hashTokens } from '../src/core/receipts/draft.js'
import { replayReceipt, type ReplayableReceipt } from '../src/core/verify/replay.js'
import { ratio, type Benchmark, type BenchRow } from './types.js'

const PER_SETUP = Number(process.env.MODELDAO_BENCH_FLOOR_REQUESTS ?? 256)
const TOKENS = Number(process.env.MODELDAO_BENCH_FLOOR_TOKENS ?? 32)
const SETUPS = [
  { threads: 1, parallel: 1 },
  { threads: 1, parallel: 4 },
  { threads: 2, parallel: 1 },
  { threads: 2, parallel: 4 },
]

export const verifyFloorBenchmark: Benchmark = {
  name: 'verify-floor',
  description: `Honest floor: ${PER_SETUP * SETUPS.length} honest requests over ${SETUPS.length} engine setups, half greedy, half sampled (T=1), replayed`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'modeldao-bench-floor-'))
    const rows: BenchRow[] = []
    try {
      const path = join(dir, 'tiny.gguf')
      await writeDevModel(path, { preset: 'tiny', seed: 1, type: 'f32' })
      const reference = await InferenceEngine.open({ modelPath: path, contextSize: 256 })
      let total = 0
      let flagged = 0
      let worstLogprob = 0
      let worstGap = 0
      try {
        for (const setup of SETUPS) {
          const engine = await InferenceEngine.open({ modelPath: path, contextSize: 256, ...setup })
          let setupFlagged = 0
          try {
            const sequences = engine.sequences()
            for (let start = 0; start < PER_SETUP; start += sequences.length) {
              const batch = Array.from({ length: Math.min(sequences.length, PER_SETUP - start) }, (_, i) => start + i)
              const served = await Promise.all(
                batch.map(async (n, i) => {
                  const promptTokens = engine.tokenizePrompt(`Request ${n}: tell me about ${['weights', 'tokens', 'models', 'fees'][n % 4]}`)
                  const temperature = n % 2 === 0 ? 0 : 1
                  const result = await engine.generate(sequences[i]!, { promptTokens, temperature, topP: 1, seed: 1000 + n, maxTokens: TOKENS, stop: [], topLogprobs: 0 })
                  const receipt: ReplayableReceipt = {
                    promptHash: hashTokens(promptTokens),
                    sampling: { temperature, topP: 1, topK: SAMPLING_TOP_K, seed: 1000 + n, maxTokens: TOKENS, stop: [] },
                    outputTokens: result.tokens.map((t) => t.id),
                    logprobs: result.tokens.map((t) => t.logprob),
                    logitGaps: result.tokens.map((t) => t.logitGap),
                  }
                  return { promptTokens: [...promptTokens], receipt }
                }),
              )
              // Replays one at a time on the verification profile: a replay never shares a batch.
              for (const s of served) {
                const result = await replayReceipt(reference, s)
                total++
                if (result.verdict === 'mismatch') setupFlagged++
                worstLogprob = Math.max(worstLogprob, result.maxLogprobError)
                worstGap = Math.max(worstGap, result.maxGapError)
              }
            }
          } finally {
            await engine.close()
          }
          flagged += setupFlagged
          rows.push({ label: `${setup.threads} thread(s), ${setup.parallel} sequence(s): honest requests flagged`, value: setupFlagged, unit: `of ${PER_SETUP}` })
        }
      } finally {
        await reference.close()
      }
      rows.push({ label: 'honest requests replayed', value: total, unit: 'requests' })
      rows.push({ label: 'largest honest |claimed − replayed| log p', value: worstLogprob, unit: 'nats' })
      rows.push({ label: 'largest honest |claimed − replayed| logit gap', value: worstGap, unit: 'logits' })
      return { rows, ratios: [ratio('false challenges / honest requests', flagged / total, { op: '<=', value: 0 })] }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
