import type { ChatHistoryItem, ChatWrapper, ControlledEvaluateInputItem, Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import { EngineLoadError, GpuUnavailableError } from './errors.js'

/** Where the weights run: `auto` takes a GPU when llama.cpp finds one; `cuda` and `vulkan` fail without one. */
export type GpuChoice = 'auto' | 'cuda' | 'vulkan' | 'off'

export type EngineOptions = {
  modelPath: string
  gpu?: GpuChoice | undefined
  /** Threads per evaluation (default 1: on small machines more threads oversubscribe and decode far slower). */
  threads?: number | undefined
  /** Tokens each sequence can hold: prompt plus output (default 2048, at most the model's training context). */
  contextSize?: number | undefined
  /** Sequences of the one context, decoded together in one batch (default 1). */
  parallel?: number | undefined
}

export type SamplingParams = {
  /** 0 is greedy. */
  temperature: number
  topP: number
  /** The seed actually used (never a time-based one): each step samples with a seed derived from it. */
  seed: number
}

export type GenerateRequest = SamplingParams & {
  promptTokens: readonly Token[]
  maxTokens: number
  /** Generation stops before any of these strings; they are not part of the output. */
  stop: readonly string[]
  /** Alternatives per token with their log-probabilities (0 = none; costs a sort of the vocabulary per token). */
  topLogprobs: number
  signal?: AbortSignal | undefined
  /**
   * Called with each new piece of text as soon as it is final (stop strings held back until ruled out), and the tokens
   * served since the last call.
   */
  onText?: ((delta: string, tokens: readonly ServedToken[]) => void) | undefined
}

export type ServedToken = {
  id: number
  /** The token's text (bytes that complete a character later show as U+FFFD). */
  text: string
  /** log p of the token under the distribution it was drawn from (the model's own at temperature 0). */
  logprob: number
  /** The model's top logit minus this token's logit: 0 when the model's own first choice was served. */
  logitGap: number
  top?: { id: number; text: string; logprob: number }[]
}

export type FinishReason = 'stop' | 'length' | 'cancelled'

export type GenerateResult = {
  text: string
  tokens: ServedToken[]
  finishReason: FinishReason
  /** Milliseconds from the start of prompt evaluation to the first token. */
  timeToFirstTokenMs: number | null
}

export type EngineInfo = {
  gpu: string | false
  gpuLayers: number
  threads: number
  contextSize: number
  parallel: number
  trainContextSize: number
  /** Tokens llama.cpp evaluates per call at most (ROW_EXACT_BATCH for quantized weights on the CPU). */
  batchSize: number
}

/**
 * Tokens per evaluation call under which llama.cpp's CPU kernels compute every row of a quantized matrix product as
 * one-token decoding does; from 64 tokens on they take another path that rounds differently (up to 0.07 nat in log p).
 * A node serving quantized weights on the CPU evaluates at most this many tokens per call, prefill and concurrent
 * sequences together, and a replay splits its calls the same way: then an honest receipt replays to ~1e-7 whatever
 * the node's concurrency, and the replay can hold quantized weights to the float bounds (measured: 32 and 56–63 exact).
 */
export const ROW_EXACT_BATCH = 56

/** llama.cpp file types with float weights (ALL_F32, MOSTLY_F16, MOSTLY_BF16); any other is quantized. */
const FLOAT_FILE_TYPES = new Set([0, 1, 32])

/** Float weights (F32, F16, BF16); false for quantized ones and for a file that does not say. */
export const hasFloatWeights = (model: LlamaModel): boolean => {
  const fileType = model.fileInfo.metadata.general.file_type
  return fileType !== undefined && FLOAT_FILE_TYPES.has(Number(fileType))
}

/** Top-k node-llama-cpp applies before sampling at temperature > 0 (recorded in receipts). */
export const SAMPLING_TOP_K = 40

/**
 * Per-token metadata in O(vocabulary), never a sort of it: greedy needs only Σ exp(logit − max) (the served token is
 * the max, so log p = −ln Σ); sampling adds the drawn token's probability (over the top-k, already sorted).
 * Alternatives (`topLogprobs`) sort the vocabulary: only when a client asks.
 */
const nextShape = (sampling: SamplingParams, step: number, topLogprobs: number) => ({
  token: true,
  totalLogitWeight: true,
  confidence: sampling.temperature > 0,
  ...(topLogprobs > 0 ? { logits: { filter: { tokens: [] as Token[], includeTop: topLogprobs } } } : {}),
  options: samplerOptions(sampling, step),
})

/**
 * The sampler of output step `step` (0 = the first output token): what generation draws with and what a replay must
 * reproduce, so both take it from here.
 */
export const samplerOptions = (sampling: SamplingParams, step: number) => ({
  temperature: sampling.temperature,
  topP: sampling.topP,
  topK: SAMPLING_TOP_K,
  // controlledEvaluate makes a fresh sampler per call: a distinct, reproducible seed per step keeps draws independent.
  seed: (sampling.seed + Math.imul(step, 0x9e3779b9)) >>> 0,
})

/**
 * One loaded model with one context of `parallel` sequences. `generate` runs a request on a sequence it is given:
 * the scheduler decides who gets one. Every served token's log-probability and logit gap are captured during
 * generation, for the receipt.
 */
export class InferenceEngine {
  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    /** The model's own chat template (resolved once: it is the same for every request). */
    private readonly chatWrapper: ChatWrapper,
    readonly info: EngineInfo,
  ) {}

  /** @throws {GpuUnavailableError} {EngineLoadError} */
  static async open(options: EngineOptions): Promise<InferenceEngine> {
    // node-llama-cpp is loaded on demand: commands that never serve do not pay for it.
    const { getLlama, LlamaLogLevel, resolveChatWrapper } = await import('node-llama-cpp')
    const gpu = options.gpu ?? 'off'
    const threads = options.threads ?? 1
    const parallel = options.parallel ?? 1
    let llama: Llama
    try {
      llama = await getLlama({
        gpu: gpu === 'off' ? false : gpu,
        build: 'never',
        skipDownload: true,
        maxThreads: threads,
        progressLogs: false,
        logLevel: LlamaLogLevel.error,
      })
    } catch (error) {
      throw new GpuUnavailableError(gpu, error)
    }
    let model: LlamaModel | undefined
    try {
      model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: gpu === 'off' ? 0 : 'auto' })
      const contextSize = Math.min(options.contextSize ?? 2048, model.trainContextSize)
      // Quantized weights on the CPU: calls short enough to be replayed exactly (see ROW_EXACT_BATCH).
      const batchSize = !hasFloatWeights(model) && !llama.gpu ? ROW_EXACT_BATCH : Math.max(512, parallel * 64)
      const context = await model.createContext({ contextSize, sequences: parallel, threads, batchSize })
      return new InferenceEngine(llama, model, context, resolveChatWrapper(model), {
        gpu: llama.gpu,
        gpuLayers: model.gpuLayers,
        threads,
        contextSize: context.contextSize,
        parallel,
        trainContextSize: model.trainContextSize,
        batchSize,
      })
    } catch (error) {
      await model?.dispose().catch(() => undefined)
      await llama.dispose().catch(() => undefined)
      throw new EngineLoadError(options.modelPath, error)
    }
  }

  /** All the context's sequences, for a scheduler to hand out (each reused, cleared after every request). */
  sequences(): LlamaContextSequence[] {
    return Array.from({ length: this.context.sequencesLeft }, () => this.context.getSequence())
  }

  /** Tokens of a raw completion prompt (with the BOS token when the model wants one). */
  tokenizePrompt(text: string): Token[] {
    const tokens = this.model.tokenize(text)
    const bos = this.model.tokens.bos
    return bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos ? [bos, ...tokens] : tokens
  }

  /** Tokens of a chat rendered with the model's own chat template, and the strings that end the assistant's turn. */
  tokenizeChat(messages: readonly { role: string; content: string }[]): { tokens: Token[]; stop: string[] } {
    const chatHistory = messages.map((m): ChatHistoryItem =>
      m.role === 'assistant' ? { type: 'model', response: [m.content] } : m.role === 'system' || m.role === 'developer' ? { type: 'system', text: m.content } : { type: 'user', text: m.content },
    )
    const state = this.chatWrapper.generateContextState({ chatHistory: [...chatHistory, { type: 'model', response: [] }] })
    const stop = state.stopGenerationTriggers.map((trigger) => trigger.toString()).filter((s) => s !== '')
    return { tokens: state.contextText.tokenize(this.model.tokenizer), stop }
  }

  detokenize(tokens: readonly Token[], before?: readonly Token[]): string {
    return this.model.detokenize(tokens, false, before)
  }

  /**
   * Generates on `sequence` (empty, and cleared after): one decode per token, batched by node-llama-cpp with the other
   * sequences' decodes. Stops at an end-of-generation token, a stop string, `maxTokens`, or the signal.
   */
  async generate(sequence: LlamaContextSequence, request: GenerateRequest): Promise<GenerateResult> {
    const started = performance.now()
    let timeToFirstTokenMs: number | null = null
    const tokens: ServedToken[] = []
    const ids: Token[] = []
    let text = ''
    let emitted = 0
    let pending: Token[] = []
    const holdBack = Math.max(0, ...request.stop.map((s) => s.length - 1))
    let finishReason: FinishReason = 'length'
    let stoppedByString = false
    let reported = 0
    const report = (delta: string) => {
      request.onText?.(delta, tokens.slice(reported))
      reported = tokens.length
    }
    try {
      for await (const next of this.sample(sequence, request)) {
        if (request.signal?.aborted) {
          finishReason = 'cancelled'
          break
        }
        const token = next.token
        if (token === undefined || token === null || this.model.isEogToken(token)) {
          finishReason = 'stop'
          break
        }
        timeToFirstTokenMs ??= performance.now() - started
        const weight = next.totalLogitWeight ?? 1
        const tokenText = this.detokenize([token], ids.slice(-4))
        // Greedy serves the max: log p = −ln Σ and the gap is 0. Sampling: confidence = exp(l − max) / Σ, so
        // max − l = −ln(confidence · Σ), float32 both (a gap under float32 resolution is the model's own choice).
        const served: ServedToken =
          next.confidence === undefined
            ? { id: token, text: tokenText, logprob: -Math.log(weight), logitGap: 0 }
            : { id: token, text: tokenText, logprob: Math.log(next.confidence), logitGap: roundGap(-Math.log(next.confidence * weight)) }
        if (request.topLogprobs > 0 && next.logits) {
          const maxLogit = next.logits.values().next().value ?? 0
          served.top = [...next.logits.entries()].slice(0, request.topLogprobs).map(([id, logit]) => ({
            id,
            text: this.detokenize([id], ids.slice(-4)),
            logprob: logit - maxLogit - Math.log(weight),
          }))
        }
        tokens.push(served)
        // Text is final once its bytes form whole characters: a multi-byte character may span tokens.
        pending.push(token)
        const piece = pending.length === 1 ? tokenText : this.detokenize(pending, ids.slice(-pending.length - 3, -pending.length + 1))
        ids.push(token)
        if (!piece.endsWith('\uFFFD') || pending.length >= 4) {
          text += piece
          pending = []
        }
        const cut = firstStop(text, request.stop, emitted - holdBack)
        if (cut !== undefined) {
          text = text.slice(0, cut)
          finishReason = 'stop'
          stoppedByString = true
          if (text.length > emitted) report(text.slice(emitted))
          emitted = text.length
          break
        }
        const safe = text.length - holdBack
        if (safe > emitted) {
          report(text.slice(emitted, safe))
          emitted = safe
        }
      }
      // Ended by length, cancellation or an end token (not a stop string, which reported its own cut): what is still
      // pending (an unfinished character) and what was held back against stop strings is part of the answer too.
      if (!stoppedByString && pending.length > 0) text += this.detokenize(pending, ids.slice(-pending.length - 4, -pending.length))
      if (!stoppedByString && text.length > emitted) report(text.slice(emitted))
      return { text, tokens, finishReason, timeToFirstTokenMs }
    } finally {
      await sequence.clearHistory().catch(() => undefined)
    }
  }

  /** The sampled tokens with their metadata, `maxTokens` at most: one controlled decode step per token. */
  private async *sample(sequence: LlamaContextSequence, request: GenerateRequest): AsyncGenerator<SampledNext> {
    const prompt = request.promptTokens
    let input: ControlledEvaluateInputItem[] = [...prompt.slice(0, -1), [prompt[prompt.length - 1]!, { generateNext: nextShape(request, 0, request.topLogprobs) }]]
    for (let step = 0; step < request.maxTokens; step++) {
      const next = (await sequence.controlledEvaluate(input))[input.length - 1]?.next ?? {}
      yield next
      if (next.token === undefined || next.token === null) return
      input = [[next.token, { generateNext: nextShape(request, step + 1, request.topLogprobs) }]]
    }
  }

  async close(): Promise<void> {
    await this.context.dispose().catch(() => undefined)
    await this.model.dispose().catch(() => undefined)
    await this.llama.dispose().catch(() => undefined)
  }
}

type SampledNext = { token?: Token | null; confidence?: number; totalLogitWeight?: number; logits?: Map<Token, number> }

/** Gaps within float32 rounding (relative 2⁻²³ on the two factors) are 0: the served token was the top one. */
const roundGap = (gap: number) => (gap < 1e-6 ? 0 : gap)

/** Index of the first stop string in `text` at or after `from`, if any. */
function firstStop(text: string, stop: readonly string[], from: number): number | undefined {
  let best: number | undefined
  for (const s of stop) {
    const at = text.indexOf(s, Math.max(0, from))
    if (at !== -1 && (best === undefined || at < best)) best = at
  }
  return best
}
