import type { ControlledEvaluateInputItem, LlamaContextSequence, Token } from 'node-llama-cpp'
import { hasFloatWeights, samplerOptions, type InferenceEngine } from '../serving/engine.js'
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

/**
 * How far an honest node's numbers may stray from the replay's. Generation decodes one token per call; the replay
 * evaluates prompt and served tokens in one call, split by llama.cpp into batches of the engine's batch size: any size
 * for float weights (their rows are computed the same way at any batch size), ROW_EXACT_BATCH for quantized weights on
 * the CPU, the most a CPU node evaluates per call with them (see ROW_EXACT_BATCH). Measured on the tiny, small and
 * peaked dev presets (F32, Q8_0 and Q4_0; greedy and T = 1; 1 and 4 concurrent sequences; prompts of 30–310 tokens;
 * node-llama-cpp 3.22.1 on CPU; `npm run bench -- verify`):
 * - honest receipts of a node decoding on one thread (what a paid CPU node does) reproduce to ≤ 1e-3 mean per receipt
 *   (quantized: exactly; float: ≤ 1e-3 over long contexts);
 * - one bound set serves both: per token 0.05, per receipt mean 2.5e-3 in log p and in gap; seeded draws flip on ≤ 5%
 *   of honest tokens, and a flipped draw is scored by the flip test alone (the noise that moved it is largest there);
 * - every substitute measured exceeds the mean bound on every receipt, the closest being a one-layer copy of the peaked
 *   preset's quantized weights (mean error ≥ 1.4e-2);
 * - decoding on two threads drifts over long contexts (mean 5e-3 to 1.5e-2 with quantized weights, as far as that copy):
 *   `node serve` refuses more than one thread for a paid CPU node.
 * A quantized node that evaluates 64+ tokens per call (a GPU, or an old node with llama.cpp's default batch) rounds
 * otherwise (up to 0.016 mean, 0.075 max per receipt): its receipts do not replay; GPU replay bounds are unmeasured.
 * test/core/verify/replay.int.test.ts keeps checking the honest side; `npm run bench -- verify` both sides.
 */
const CPU_REPLAY_THRESHOLDS = { tolerance: 0.05, meanTolerance: { logprob: 2.5e-3, gap: 2.5e-3 }, sampled: { honestFlipRate: 0.05, alpha: 1e-6 } } as const
export const REPLAY_THRESHOLDS = {
  float: CPU_REPLAY_THRESHOLDS,
  quantized: CPU_REPLAY_THRESHOLDS,
} as const satisfies Record<string, ReplayThresholds>

/** The thresholds for the engine's weights: float or quantized. */
export function replayThresholds(engine: InferenceEngine): ReplayThresholds {
  return hasFloatWeights(engine.model) ? REPLAY_THRESHOLDS.float : REPLAY_THRESHOLDS.quantized
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
  /** Largest |claimed − reference| over the tokens with a finite reference log-probability (sampled: those the reference draws too). */
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
  // One call: llama.cpp splits it into batches of the engine's batch size, which for quantized weights on the CPU is
  // ROW_EXACT_BATCH, the same split a node makes (see REPLAY_THRESHOLDS).
  const call: ControlledEvaluateInputItem[] = [
    ...promptTokens.slice(0, last),
    [promptTokens[last]!, shape(0)],
    ...served.slice(0, positions - 1).map((token, i): ControlledEvaluateInputItem => [token, shape(i + 1)]),
  ]

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
      const results = await sequence.controlledEvaluate(call)
      // From the last prompt token on: what the reference makes of each position.
      for (const result of results.slice(last)) nexts.push(result?.next ?? {})
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
    // A seeded draw that flipped is scored by the flip test alone: the noise that moved the draw is largest there.
    if (t.logprob === -Infinity || (profile === 'sampled' && !t.agrees)) continue
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
