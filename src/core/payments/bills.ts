import type { ChannelExtra } from './scheme.js'
import { textHash } from '../receipts/request.js'
import { SseDataLines } from '../client/sse.js'

/** What a paid answer says it cost, as the client read it from the response (body and headers). */
export type AnswerBill = {
  /** `usage` of the answer (a stream's final chunk). */
  usage: Record<string, unknown> | undefined
  /** The text the client received (choice 0), when it could be read. */
  text: string | undefined
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0

/**
 * Checks one answer's bill against the node's quoted terms: cost = per-request + per-token × the completion tokens,
 * no more tokens than the quote allowed, and (when the receipt travels with the answer) the receipt lists exactly
 * those tokens and hashes exactly the text received. Returns why the bill is wrong, or undefined.
 */
export function checkBill(terms: ChannelExtra, bill: AnswerBill): string | undefined {
  const usage = bill.usage
  if (!usage || typeof usage.cost !== 'string' || !/^\d+$/.test(usage.cost)) return 'the answer states no cost'
  const tokens = usage.completion_tokens
  if (!isCount(tokens)) return `the answer states ${JSON.stringify(tokens)} completion tokens`
  const n = tokens as number
  if (n > terms.maxTokens) return `the answer counts ${n} completion tokens, above the ${terms.maxTokens} quoted for the request`
  const due = BigInt(terms.perRequest) + BigInt(terms.perOutputToken) * BigInt(n)
  if (BigInt(usage.cost) !== due) return `the answer costs ${usage.cost}, but ${n} tokens at ${terms.perRequest} per request + ${terms.perOutputToken} per token cost ${due}`
  const receipt = usage.receipt as { draft?: { outputTokens?: unknown; textHash?: unknown } } | undefined
  const draft = receipt?.draft
  if (draft && Array.isArray(draft.outputTokens) && draft.outputTokens.length !== n) return `the answer counts ${n} completion tokens, its receipt lists ${draft.outputTokens.length}`
  if (draft && typeof draft.textHash === 'string' && bill.text !== undefined && draft.textHash !== textHash(bill.text)) return "the receipt's text hash is not the received text's"
  return undefined
}

/** The text of choice 0 and the usage of a non-streamed OpenAI-shaped answer. */
export function billOfJson(body: unknown): AnswerBill {
  const b = body as { usage?: Record<string, unknown>; choices?: { text?: unknown; message?: { content?: unknown } }[] } | null
  const choice = b?.choices?.[0]
  const text = typeof choice?.message?.content === 'string' ? choice.message.content : typeof choice?.text === 'string' ? choice.text : undefined
  return { usage: b?.usage, text }
}

/** Follows a server-sent event stream of OpenAI chunks, collecting choice 0's text and the final usage. */
export class StreamBill {
  private readonly events = new SseDataLines()
  private text = ''
  private usage: Record<string, unknown> | undefined

  push(bytes: Uint8Array): void {
    for (const data of this.events.push(bytes)) this.take(data)
  }

  /** The bill once the stream ended; `usage` stays undefined when the stream was cut before its final chunk. */
  finish(): AnswerBill {
    for (const data of this.events.end()) this.take(data)
    return { usage: this.usage, text: this.text }
  }

  private take(data: string) {
    let chunk: { usage?: Record<string, unknown>; choices?: { text?: unknown; delta?: { content?: unknown } }[] }
    try {
      chunk = JSON.parse(data)
    } catch {
      return
    }
    const choice = chunk.choices?.[0]
    this.text += typeof choice?.delta?.content === 'string' ? choice.delta.content : typeof choice?.text === 'string' ? choice.text : ''
    if (chunk.usage) this.usage = chunk.usage
  }
}
