import type { ControlledEvaluateInputItem, LlamaContextSequence, Token } from 'node-llama-cpp'
import { samplerOptions, type InferenceEngine } from '../serving/engine.js'
import { cutAtStop, type ReceiptTokenizer } from '../receipts/check.js'
import { hashTokens, type ReceiptDraft } from '../receipts/draft.js'
import { PromptHashMismatchError, ReplayContextTooSmallError, ReplayNoSequenceError } from './errors.js'
import { ReceiptMalformedError } from '../receipts/errors.js'

/**
 * When a sampled receipt is a mismatch. A seeded draw replayed with the node's own seed picks the served token again
 * unless the replay's rounding differences move a probability boundary across the draw (an honest "flip").
 */
export type SampledRule = {
  /** The rate of honest flips to assume: a measured upper bound, per token. */
  honestFlipRate: number
  /** A receipt is a mismatch when an honest node would show as many disagreements with a probability below this. */
  alpha: number
}

export type ReplayThresholds = {
  /**
   * Allowed |claimed − reference| in log-probability and logit gap, and the logit gap under which a greedy token other
   * than the reference's argmax still counts as its choice (a tie within rounding).
   */
  tolerance: number
  /**
   * Allowed mean |claimed − reference| over a receipt's tokens (log p and gap): a substitute close to the registered
   * weights stays under the per-token tolerance on most tokens but not on average.
   */
  meanTolerance: { logprob: number; gap: number }
  sampled: SampledRule
}

/** Output tokens per evaluation call of a replay: under 64, where llama.cpp computes rows as single-token decoding does (measured exact for calls of 32 and of 57–63). */
export const REPLAY_CHUNK = 56

/**
 * How far an honest node's numbers may stray from the replay's. Generation decodes one token per call; the replay
 * evaluates the prompt in one call (as generation did) and the served tokens in calls of REPLAY_CHUNK when the weights
 * are quantized (float weights in one call: the same numbers at half the cost). Measured (tiny, small and
 * peaked dev presets; F32, Q8_0 and Q4_0; 64 prompts × 48 tokens; greedy and T = 1; 1 and 2 threads, 1 and 4
 * sequences; node-llama-cpp 3.22.1 on CPU; 6,576 receipts):
 * - replayed this way, honest quantized receipts reproduce to ≤ 3.2e-7 and float ones to ≤ 1.3e-3 (max) and ≤ 2.5e-4
 *   (mean); evaluated in one call of 64+ tokens (the old replay, or a decode batched with another sequence's long
 *   prefill), quantized rows take another kernel path: per receipt up to 0.016 mean and 0.075 max error.
 * - the bounds below hold even on that noisier path (2× its worst honest receipt), so concurrency on the node cannot
 *   make an honest receipt fail: per token 1e-2 (float) / 0.15 (quantized), per receipt mean 1.5e-3 / 0.032 in log p and
 *   1.8e-3 / 0.037 in gap. Seeded draws flip on ≤ 5% (float) and up to 40% (quantized, noisy path) of honest tokens.
 * - substitutes measured against them: fewer layers and another seed's weights on the tiny and small presets, and a
 *   lower quantization, exceed the mean bound on every receipt; on the peaked preset (sharp distributions) a one-layer
 *   copy of Q8_0 or Q4_0 weights stays under it (mean error 0.015–0.03): see `npm run bench -- verify`.
 * test/core/verify/replay.int.test.ts keeps checking the honest side.
 */
export const REPLAY_THRESHOLDS = {
  float: { tolerance: 1e-2, meanTolerance: { logprob: 1.5e-3, gap: 1.8e-3 }, sampled: { honestFlipRate: 0.05, alpha: 1e-6 } },
  quantized: { tolerance: 0.15, meanTolerance: { logprob: 0.032, gap: 0.037 }, sampled: { honestFlipRate: 0.4, alpha: 1e-6 } },
} as const satisfies Record<string, ReplayThresholds>

/** llama.cpp file types with float weights (ALL_F32, MOSTLY_F16, MOSTLY_BF16); any other is quantized. */
const FLOAT_FILE_TYPES = new Set([0, 1, 32])

/** The thresholds for the engine's weights: float or quantized (the looser when the file does not say). */
export function replayThresholds(engine: InferenceEngine): ReplayThresholds {
  const fileType = engine.model.fileInfo.metadata.general.file_type
  return fileType !== undefined && FLOAT_FILE_TYPES.has(Number(fileType)) ? REPLAY_THRESHOLDS.float : REPLAY_THRESHOLDS.quantized
}

/** What a replay reads from a receipt (a stored one may hold null for a log-probability of −∞: JSON has no infinity). */
export type ReplayableReceipt = Pick<ReceiptDraft, 'promptHash' | 'sampling' | 'outputTokens' | 'logitGaps'> & {
  logprobs: readonly (number | null)[]
  /** With 'stop' and no stop string in the output, the model itself ended the answer: the replay checks it would have. */
  finishReason?: string | undefined
}

export type ReplayReceiptParams = {
  /** The exact prompt tokens the node evaluated; they must hash to `receipt.promptHash`. */
  promptTokens: readonly number[]
  receipt: ReplayableReceipt
  /** A sequence of the engine's context to replay on (cleared before and after). Default: a free one, given back after. */
  sequence?: LlamaContextSequence | undefined
  /** Allowed |claimed − reference| and the greedy tie gap (default: `replayThresholds(engine).tolerance`). */
  tolerance?: number | undefined
  /** Allowed mean errors over the receipt (default: `replayThresholds(engine).meanTolerance`). */
  meanTolerance?: ReplayThresholds['meanTolerance'] | undefined
  /** The decision rule for sampled receipts (default: `replayThresholds(engine).sampled`). */
  sampledRule?: SampledRule | undefined
}

export type ReplayedToken = {
  position: number
  served: number
  /** The reference's pick here: its argmax (greedy) or its draw with the receipt's seed (sampled). */
  expected: number
  /** The served token is the reference's pick (or, greedy, within `tolerance` of its top logit). */
  agrees: boolean
  /** log p of the served token under the reference's sampling distribution (−∞ outside its top-k / top-p). */
  logprob: number
  /** The reference's top logit minus the served token's, in the sampler's units (logits ÷ temperature when sampling). */
  gap: number
  claimedLogprob: number
  claimedGap: number
}

export type ReplayMismatchReason =
  /** Greedy: a served token is not the reference's choice. */
  | 'token'
  /** A claimed log-probability or logit gap is off the reference's by more than the tolerance. */
  | 'claims'
  /** Sampled: more seeded draws disagree than an honest node would show (see SampledRule). */
  | 'sampling'
  /** Greedy: the answer ended where the reference would have gone on (its pick after the last token is not an end token). */
  | 'stop'

export type SampledScore = {
  /** Served tokens the reference's seeded draw did not pick. */
  disagreements: number
  /** Of those, served tokens outside the reference's top-k / top-p (impossible draws for the reference). */
  outsideTopK: number
  /** Mean reference log p of the served tokens (over those inside the top-k), and the node's claimed mean over them. */
  meanLogprob: number
  meanClaimedLogprob: number
  /** P(at least `disagreements` flips in this many tokens | honest), under `rule.honestFlipRate`. */
  pValue: number
  rule: SampledRule
}

export type ReplayReceiptReturnType = {
  verdict: 'match' | 'mismatch'
  profile: 'greedy' | 'sampled'
  /** Empty on a match. */
  reasons: ReplayMismatchReason[]
  /** The first served token that is not the reference's pick. */
  firstDivergence?: { position: number; served: number; expected: number; gap: number }
  tokens: ReplayedToken[]
  /** Largest |claimed − reference| over the tokens with a finite reference log-probability. */
  maxLogprobError: number
  maxGapError: number
  /** Mean |claimed − reference| over the same tokens. */
  meanLogprobError: number
  meanGapError: number
  tolerance: number
  sampled?: SampledScore
  /**
   * When the model ended the answer (finish 'stop', no stop string): the reference's pick after the last served token.
   * A receipt with no output tokens is judged here alone, so an empty answer is never a free match.
   */
  terminal?: { expected: number; agrees: boolean } | undefined
  /** Milliseconds of the one evaluation pass. */
  replayMs: number
}

/** REPLAY_PROMPT_MISMATCH, RECEIPT_MALFORMED, REPLAY_CONTEXT_TOO_SMALL, REPLAY_NO_SEQUENCE */
export type ReplayReceiptErrorType = PromptHashMismatchError | ReceiptMalformedError | ReplayContextTooSmallError | ReplayNoSequenceError

/**
 * Replays a receipt through reference weights in one evaluation pass and scores every served token: the served
 * token's logit, the reference's pick and the normaliser at each position, never the whole distribution. Greedy
 * receipts must serve the reference's argmax; sampled ones are redrawn with the receipt's seed and judged by how often
 * the draws disagree. Either way the node's claimed log-probabilities and logit gaps must be the reference's.
 *
 * The engine should run the verification profile (CPU, one thread or a pinned count) and serve nothing else
 * meanwhile: another sequence decoding in the same batch changes the numbers.
 *
 * @example
 * const engine = await InferenceEngine.open({ modelPath: 'weights.gguf', contextSize: 4096 })
 * const result = await replayReceipt(engine, { promptTokens, receipt })
 * if (result.verdict === 'mismatch') console.log(result.reasons, result.firstDivergence)
 */
export async function replayReceipt(engine: InferenceEngine, params: ReplayReceiptParams): Promise<ReplayReceiptReturnType> {
  const { receipt } = params
  // Token ids are plain numbers in receipts; node-llama-cpp brands them (checked against the vocabulary below).
  const promptTokens = params.promptTokens as readonly Token[]
  const thresholds = replayThresholds(engine)
  const tolerance = params.tolerance ?? thresholds.tolerance
  const rule = params.sampledRule ?? thresholds.sampled
  checkShape(receipt, promptTokens, vocabularySize(engine))
  const actualHash = hashTokens(promptTokens)
  if (actualHash !== receipt.promptHash) throw new PromptHashMismatchError(receipt.promptHash, actualHash, promptTokens.length)
  const served = receipt.outputTokens as readonly number[] as readonly Token[]
  const needed = promptTokens.length + Math.max(0, served.length - 1)
  if (needed > engine.context.contextSize) throw new ReplayContextTooSmallError(needed, engine.context.contextSize)
  const sampling = { temperature: receipt.sampling.temperature, topP: receipt.sampling.topP, seed: receipt.sampling.seed }
  const profile = sampling.temperature > 0 ? 'sampled' : 'greedy'

  // Did the model end the answer itself? Then one more position is evaluated: the reference must pick an end token.
  const eos = engine.model.tokens.eos
  const endsAtEog = receipt.finishReason === 'stop' && cutAtStop(engine.detokenize(served), receipt.sampling.stop ?? []) === undefined && eos !== null
  const positions = served.length + (endsAtEog ? 1 : 0)

  // Position i asks for: the reference's pick (argmax, or the seeded draw), the served token's logit, the top logit
  // (greedy: the pick's; sampled: the first after sorting, cheap once top-k has cut the candidates) and Σ exp(l − max).
  const shape = (step: number) => ({
    generateNext: {
      token: true,
      totalLogitWeight: true,
      logits: { filter: { tokens: [step < served.length ? served[step]! : (eos as Token)], includeSelected: true, ...(profile === 'sampled' ? { includeTop: 1 } : {}) } },
      options: profile === 'sampled' ? samplerOptions(sampling, step) : { temperature: 0 },
    },
  })
  const last = promptTokens.length - 1
  // Evaluated the way generation evaluated them: the whole prompt in one call, then the served tokens in short calls.
  // llama.cpp takes another kernel path for a call of 64 tokens or more; with quantized weights that path rounds
  // differently from one-token decoding (errors up to 0.07 nat), while calls under 64 reproduce it to ~1e-7.
  // Float weights take the same path either way (errors ≤ 3.6e-3 measured): one call is cheaper (~2x) there.
  const chunk = thresholds === REPLAY_THRESHOLDS.float ? Number.POSITIVE_INFINITY : REPLAY_CHUNK
  const outputs = (from: number, to: number) => served.slice(from, to).map((token, i): ControlledEvaluateInputItem => [token, shape(from + i + 1)])
  const calls: ControlledEvaluateInputItem[][] = [[...promptTokens.slice(0, last), [promptTokens[last]!, shape(0)], ...(chunk === Number.POSITIVE_INFINITY ? outputs(0, positions - 1) : [])]]
  for (let start = 0; chunk !== Number.POSITIVE_INFINITY && start < positions - 1; start += chunk) calls.push(outputs(start, Math.min(start + chunk, positions - 1)))

  const own = params.sequence === undefined
  if (own && engine.context.sequencesLeft === 0) throw new ReplayNoSequenceError(engine.info.parallel)
  const sequence = params.sequence ?? engine.context.getSequence()
  let replayMs = 0
  /** The reference's view at output position i (what comes after prompt + served[0..i-1]). */
  const nexts: NonNullable<Awaited<ReturnType<LlamaContextSequence['controlledEvaluate']>>[number]>['next'][] = []
  try {
    if (positions > 0) {
      await sequence.clearHistory()
      const started = performance.now()
      for (const [c, call] of calls.entries()) {
        const results = await sequence.controlledEvaluate(call)
        // The first call's results from the last prompt token on; every later call's all.
        for (const result of c === 0 ? results.slice(last) : results) nexts.push(result?.next ?? {})
      }
      replayMs = performance.now() - started
    }
  } finally {
    await sequence.clearHistory().catch(() => undefined)
    if (own) sequence.dispose()
  }

  const tokens = served.map((token, position): ReplayedToken => {
    const next = nexts[position] ?? {}
    const expected = next.token ?? -1
    const logits = next.logits ?? new Map<Token, number>()
    const top = profile === 'sampled' ? (logits.values().next().value ?? -Infinity) : (logits.get(expected as Token) ?? -Infinity)
    const servedLogit = logits.get(token) ?? -Infinity
    const gap = top - servedLogit
    const logprob = servedLogit - top - Math.log(next.totalLogitWeight ?? 1)
    const agrees = expected === token || (profile === 'greedy' && gap <= tolerance)
    return { position, served: token, expected, agrees, logprob, gap, claimedLogprob: receipt.logprobs[position] ?? -Infinity, claimedGap: receipt.logitGaps[position]! }
  })
  let terminal: ReplayReceiptReturnType['terminal']
  if (endsAtEog) {
    const next = nexts[served.length] ?? {}
    const expected = next.token ?? -1
    const logits = next.logits ?? new Map<Token, number>()
    const gap = (logits.get(expected as Token) ?? -Infinity) - (logits.get(eos as Token) ?? -Infinity)
    const agrees = (expected !== -1 && engine.model.isEogToken(expected as Token)) || (profile === 'greedy' && gap <= tolerance)
    terminal = { expected, agrees }
  }

  let maxLogprobError = 0
  let maxGapError = 0
  let sumLogprobError = 0
  let sumGapError = 0
  let scored = 0
  for (const t of tokens) {
    if (t.logprob === -Infinity) continue
    const lp = Math.abs(t.claimedLogprob - t.logprob)
    const gap = Math.abs(t.claimedGap - t.gap)
    maxLogprobError = Math.max(maxLogprobError, lp)
    maxGapError = Math.max(maxGapError, gap)
    sumLogprobError += lp
    sumGapError += gap
    scored++
  }
  const meanLogprobError = scored ? sumLogprobError / scored : 0
  const meanGapError = scored ? sumGapError / scored : 0
  const means = params.meanTolerance ?? thresholds.meanTolerance
  const reasons: ReplayMismatchReason[] = []
  // NaN (a claim that is not a number) fails the comparisons too.
  if (!(maxLogprobError <= tolerance && maxGapError <= tolerance && meanLogprobError <= means.logprob && meanGapError <= means.gap)) reasons.push('claims')
  const diverging = tokens.find((t) => !t.agrees)
  let sampled: SampledScore | undefined
  if (profile === 'greedy') {
    if (diverging) reasons.unshift('token')
    if (terminal && !terminal.agrees) reasons.push('stop')
  } else {
    sampled = sampledScore(tokens, rule, terminal)
    if (sampled.pValue < rule.alpha) reasons.push('sampling')
  }
  return {
    verdict: reasons.length === 0 ? 'match' : 'mismatch',
    profile,
    reasons,
    ...(diverging ? { firstDivergence: { position: diverging.position, served: diverging.served, expected: diverging.expected, gap: diverging.gap } } : {}),
    tokens,
    maxLogprobError,
    maxGapError,
    meanLogprobError,
    meanGapError,
    tolerance,
    ...(sampled ? { sampled } : {}),
    ...(terminal ? { terminal } : {}),
    replayMs,
  }
}

function sampledScore(tokens: readonly ReplayedToken[], rule: SampledRule, terminal: ReplayReceiptReturnType['terminal']): SampledScore {
  const inside = tokens.filter((t) => t.logprob > -Infinity)
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length)
  // The end of the answer is one more seeded draw: an early end the reference would not draw counts against the node.
  const disagreements = tokens.filter((t) => !t.agrees).length + (terminal && !terminal.agrees ? 1 : 0)
  const trials = tokens.length + (terminal ? 1 : 0)
  return {
    disagreements,
    outsideTopK: tokens.length - inside.length,
    meanLogprob: mean(inside.map((t) => t.logprob)),
    meanClaimedLogprob: mean(inside.map((t) => t.claimedLogprob)),
    pValue: binomialTail(trials, disagreements, rule.honestFlipRate),
    rule,
  }
}

/** P(X ≥ k) for X ~ Binomial(n, q), summed in log space (n in the thousands stays exact enough). */
export function binomialTail(n: number, k: number, q: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  if (q <= 0) return 0
  if (q >= 1) return 1
  let logTerm = k * Math.log(q) + (n - k) * Math.log1p(-q) + logChoose(n, k)
  let sum = 0
  for (let i = k; i <= n; i++) {
    sum += Math.exp(logTerm)
    // C(n, i+1) q^(i+1) (1−q)^(n−i−1) = term · (n − i)/(i + 1) · q/(1 − q)
    logTerm += Math.log((n - i) / (i + 1)) + Math.log(q) - Math.log1p(-q)
  }
  return Math.min(1, sum)
}

function logChoose(n: number, k: number): number {
  let sum = 0
  for (let i = 1; i <= k; i++) sum += Math.log((n - k + i) / i)
  return sum
}

function vocabularySize(engine: InferenceEngine): number {
  return engine.model.fileInfo.metadata.tokenizer.ggml.tokens.length
}

function checkShape(receipt: ReplayableReceipt, promptTokens: readonly number[], vocabulary: number): void {
  const n = receipt.outputTokens.length
  if (promptTokens.length === 0) throw new ReceiptMalformedError('the prompt is empty')
  if (receipt.logprobs.length !== n || receipt.logitGaps.length !== n) {
    throw new ReceiptMalformedError(`${n} output tokens but ${receipt.logprobs.length} log-probabilities and ${receipt.logitGaps.length} logit gaps`)
  }
  const bad = [...promptTokens, ...receipt.outputTokens].findIndex((t) => !Number.isInteger(t) || t < 0 || t >= vocabulary)
  if (bad !== -1) {
    const [where, at] = bad < promptTokens.length ? ['prompt token', bad] : ['output token', bad - promptTokens.length]
    throw new ReceiptMalformedError(`${where} ${at} (${[...promptTokens, ...receipt.outputTokens][bad]}) is not a token of this model's ${vocabulary}-token vocabulary`)
  }
}

/** The engine as a receipt checker's tokenizer: the registered weights' vocabulary and chat template. */
export const tokenizerOf = (engine: InferenceEngine): ReceiptTokenizer => ({
  tokenizePrompt: (text) => engine.tokenizePrompt(text),
  tokenizeChat: (messages) => engine.tokenizeChat(messages),
  detokenize: (tokens) => engine.detokenize(tokens as Token[]),
})
