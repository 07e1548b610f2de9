import type { Address, Hex } from 'viem'
import { receiptCommitment } from './codec.js'
import type { ReceiptDraft } from './draft.js'
import { requestHash, SAMPLING_DEFAULTS, textHash, type ReceiptEndpoint } from './request.js'
import { recoverReceiptSigner } from './signing.js'

/**
 * Why a receipt is not the receipt of the exchange it came with. Each checker (chat, the paying fetch's users, the
 * validator, `verify receipt`) recomputes from what it sent and received; every difference is named.
 */
export type ReceiptFaultReason =
  /** The receipt's request hash is not the hash of the request that was sent. */
  | 'request'
  /** The sampling the receipt records contradicts the request (temperature, top-p, seed, max tokens, stop strings). */
  | 'sampling'
  /** The receipt's text hash is not the hash of the text that was received. */
  | 'text'
  /** The usage the response reported is not the receipt's token counts. */
  | 'usage'
  /** The finish reason does not fit the tokens (length before max tokens, more tokens than allowed). */
  | 'finish'
  /** The cost is not what the quoted terms make of the tokens served. */
  | 'cost'
  /** The signature is not the operator's over this receipt, this payment and this cost. */
  | 'signature'
  /** With the weights: the receipt's prompt tokens are not the checker's own tokenization of the request. */
  | 'prompt'
  /** With the weights: the receipt's output tokens do not make the text that was received. */
  | 'output'

export type ReceiptFault = { reason: ReceiptFaultReason; detail: string }

/** What the checker itself sent and received: the request body as sent, the answer's text and the reported usage. */
export type Exchange = {
  endpoint: ReceiptEndpoint
  /** The request body exactly as sent (the object that was serialized). */
  request: unknown
  /** The text received (a stream's deltas joined). */
  text: string
  /** `usage` as the response reported it. */
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined
  /** The finish reason the response gave (the stream's last chunk). */
  finishReason?: string | null | undefined
  /** When the answer was received, in chain time (seconds): which model version was canonical then. */
  receivedAt?: number | undefined
}

/** What the payment quoted: a channel's price list, or an exact payment's fixed price. */
export type QuotedTerms = { perRequest: bigint; perOutputToken: bigint } | { fixed: bigint }

const fround = (x: unknown) => Math.fround(Number(x))
const field = (request: unknown, key: string): unknown => (typeof request === 'object' && request !== null ? (request as Record<string, unknown>)[key] : undefined)
const given = (value: unknown) => value !== undefined && value !== null

/** The stop strings a request asked for (a string or an array). */
export function requestedStops(request: unknown): string[] {
  const stop = field(request, 'stop')
  return typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string') : []
}

/**
 * Everything a client can check without the weights: the receipt is for this request, this text, these token counts,
 * this finish, and costs what the terms say. Returns no faults for a receipt that is the exchange's.
 */
export function checkExchange(draft: ReceiptDraft, exchange: Exchange, terms?: QuotedTerms, cost?: bigint, expected: { maxTokens?: number | undefined } = {}): ReceiptFault[] {
  const faults: ReceiptFault[] = []
  const fault = (reason: ReceiptFaultReason, detail: string) => faults.push({ reason, detail })
  const sentHash = requestHash(exchange.endpoint, JSON.parse(JSON.stringify(exchange.request)) as unknown)
  if (draft.endpoint !== exchange.endpoint) fault('request', `the receipt is for the ${draft.endpoint} endpoint, the request went to ${exchange.endpoint}`)
  else if (String(draft.requestHash).toLowerCase() !== sentHash) fault('request', `the receipt's request hash ${draft.requestHash} is not the sent request's ${sentHash}`)

  const r = exchange.request
  const s = draft.sampling
  const temperature = given(field(r, 'temperature')) ? field(r, 'temperature') : SAMPLING_DEFAULTS.temperature
  const topP = given(field(r, 'top_p')) ? field(r, 'top_p') : SAMPLING_DEFAULTS.topP
  if (fround(s.temperature) !== fround(temperature)) fault('sampling', `the receipt samples at temperature ${s.temperature}, the request asked for ${String(temperature)}`)
  if (fround(s.topP) !== fround(topP)) fault('sampling', `the receipt samples with top-p ${s.topP}, the request asked for ${String(topP)}`)
  const seed = field(r, 'seed')
  if (given(seed) && Number(seed) !== s.seed) fault('sampling', `the receipt's seed is ${s.seed}, the request's ${String(seed)}`)
  const maxTokens = given(field(r, 'max_completion_tokens')) ? field(r, 'max_completion_tokens') : field(r, 'max_tokens')
  if (given(maxTokens) && s.maxTokens > Number(maxTokens)) fault('sampling', `the receipt allows ${s.maxTokens} tokens, the request at most ${String(maxTokens)}`)
  // A node that lowers the limit it records can stop early and call the answer complete ("length").
  // The quote is made before the prompt is tokenized (no work before payment): the context left after the prompt may
  // lower it, and nothing else may.
  const room = Number(draft.engine?.contextSize) - draft.promptTokens
  const allowed = expected.maxTokens === undefined ? undefined : Number.isFinite(room) && room > 0 ? Math.min(expected.maxTokens, room) : expected.maxTokens
  if (allowed !== undefined && s.maxTokens !== allowed) fault('sampling', `the receipt allows ${s.maxTokens} tokens; the terms paid for allow ${allowed}`)
  const missingStop = requestedStops(r).find((stop) => !s.stop.includes(stop))
  if (missingStop !== undefined) fault('sampling', `the receipt's stop strings leave out the requested ${JSON.stringify(missingStop)}`)

  const received = textHash(exchange.text)
  if (draft.textHash !== received) fault('text', `the receipt's text hash ${draft.textHash} is not the received text's ${received}`)
  const n = draft.outputTokens.length
  const usage = exchange.usage
  if (usage && Number(usage.completion_tokens) !== n) fault('usage', `the response reports ${String(usage.completion_tokens)} completion tokens, the receipt lists ${n}`)
  if (usage && Number(usage.prompt_tokens) !== draft.promptTokens) fault('usage', `the response reports ${String(usage.prompt_tokens)} prompt tokens, the receipt ${draft.promptTokens}`)
  if (draft.promptTokenIds && draft.promptTokenIds.length !== draft.promptTokens) fault('usage', `the receipt counts ${draft.promptTokens} prompt tokens and lists ${draft.promptTokenIds.length}`)
  if (n > s.maxTokens) fault('finish', `${n} tokens served, more than the ${s.maxTokens} allowed`)
  if (draft.finishReason === 'length' && n !== s.maxTokens) fault('finish', `finished for length after ${n} of ${s.maxTokens} tokens`)
  if (draft.finishReason === 'cancelled') fault('finish', 'a paid, delivered answer is not cancelled')
  if (exchange.finishReason !== undefined && exchange.finishReason !== null && exchange.finishReason !== draft.finishReason) fault('finish', `the response finished for ${exchange.finishReason}, the receipt says ${draft.finishReason}`)

  if (terms && cost !== undefined) {
    const due = 'fixed' in terms ? terms.fixed : terms.perRequest + terms.perOutputToken * BigInt(n)
    if (cost !== due) fault('cost', `charged ${cost}; the quoted terms make ${due} of ${n} tokens`)
  }
  return faults
}

/** Checks the operator's signature binds this draft to this payment and cost. */
export async function checkSignature(
  draft: ReceiptDraft,
  signed: { domain: { chainId: number; verifyingContract: Address }; payment: Hex; cost: bigint; signature: Hex; operator: Address },
): Promise<ReceiptFault[]> {
  try {
    const signer = await recoverReceiptSigner(signed.domain, { ...receiptCommitment(draft), payment: signed.payment, cost: signed.cost }, signed.signature)
    if (signer.toLowerCase() === signed.operator.toLowerCase()) return []
    return [{ reason: 'signature', detail: `the receipt recovers to ${signer}, not to the operator ${signed.operator}, for this payment and cost` }]
  } catch (error) {
    return [{ reason: 'signature', detail: `the receipt's signature cannot be checked: ${(error as Error).message.split('\n')[0]}` }]
  }
}

/** The registered weights' tokenizer and template, as an engine holding them offers them. */
export type ReceiptTokenizer = {
  tokenizePrompt(text: string): readonly number[]
  tokenizeChat(messages: readonly { role: string; content: string }[]): { tokens: readonly number[]; stop: readonly string[] }
  detokenize(tokens: readonly number[]): string
}

/** The first stop string in `text`, cut there (as generation does), or undefined when none occurs. */
export function cutAtStop(text: string, stops: readonly string[]): string | undefined {
  let best: number | undefined
  for (const s of stops) {
    const at = text.indexOf(s)
    if (at !== -1 && (best === undefined || at < best)) best = at
  }
  return best === undefined ? undefined : text.slice(0, best)
}

/** A chat request's messages as the node renders them (text parts joined). */
function chatMessages(request: unknown): { role: string; content: string }[] {
  const messages = field(request, 'messages')
  if (!Array.isArray(messages)) return []
  return messages.map((m: { role?: unknown; content?: unknown }) => ({
    role: String(m.role),
    content: typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p: { text?: unknown }) => String(p.text ?? '')).join('') : '',
  }))
}

/**
 * With the registered weights at hand: the prompt tokens are the checker's own tokenization of the request (template
 * applied), the stop strings are the request's plus the template's, and the output tokens make exactly the text received.
 */
export function checkTokens(draft: ReceiptDraft, exchange: Exchange, tokenizer: ReceiptTokenizer): ReceiptFault[] {
  const faults: ReceiptFault[] = []
  let own: readonly number[]
  let templateStops: readonly string[] = []
  if (exchange.endpoint === 'chat') {
    const rendered = tokenizer.tokenizeChat(chatMessages(exchange.request))
    own = rendered.tokens
    templateStops = rendered.stop
  } else {
    const prompt = field(exchange.request, 'prompt')
    own = Array.isArray(prompt) && prompt.every((t) => typeof t === 'number') ? (prompt as number[]) : tokenizer.tokenizePrompt(Array.isArray(prompt) ? String(prompt[0]) : String(prompt))
  }
  const ids = draft.promptTokenIds
  if (!ids || ids.length !== own.length || ids.some((t, i) => t !== own[i])) {
    faults.push({ reason: 'prompt', detail: `the receipt's ${ids?.length ?? 0} prompt tokens are not this request's ${own.length} (own tokenization with the registered weights)` })
  }
  const stops = [...requestedStops(exchange.request), ...templateStops]
  const extra = draft.sampling.stop.find((s) => !stops.includes(s))
  if (extra !== undefined) faults.push({ reason: 'sampling', detail: `the receipt stops at ${JSON.stringify(extra)}, which neither the request nor the template asks for` })
  const full = tokenizer.detokenize(draft.outputTokens)
  const cut = cutAtStop(full, draft.sampling.stop)
  const served = cut ?? full
  if (served !== exchange.text) faults.push({ reason: 'output', detail: `the receipt's ${draft.outputTokens.length} output tokens make ${JSON.stringify(served.slice(0, 60))}, not the ${exchange.text.length} characters received` })
  if (cut !== undefined && draft.finishReason !== 'stop') faults.push({ reason: 'finish', detail: `the output reaches a stop string yet finished for ${draft.finishReason}` })
  // Generation stops at the token that completes a stop string: tokens after it were never shown, yet billed.
  if (cut !== undefined && cutAtStop(tokenizer.detokenize(draft.outputTokens.slice(0, -1)), draft.sampling.stop) !== undefined) {
    faults.push({ reason: 'output', detail: 'tokens were served (and billed) after the stop string ended the answer' })
  }
  return faults
}

/** One line naming every fault. */
export const describeFaults = (faults: readonly ReceiptFault[]): string => faults.map((f) => `${f.reason}: ${f.detail}`).join('; ')
