/** An error answered in OpenAI's shape: `{ error: { message, type, param, code } }` with an HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
    readonly type: 'invalid_request_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'request_too_large',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message)
  }

  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }
}

export type ChatMessage = { role: 'system' | 'developer' | 'user' | 'assistant'; content: string }

/** What both endpoints share, validated and with the node's defaults applied where the client left a field out. */
export type CommonParams = {
  model: string | undefined
  /** undefined: the node decides (its limit, bounded by the context left). */
  maxTokens: number | undefined
  temperature: number
  topP: number
  /** undefined: the node draws one and records it. */
  seed: number | undefined
  stop: string[]
  stream: boolean
  /** Log-probabilities wanted per token, and how many alternatives. */
  logprobs: boolean
  topLogprobs: number
}

export type ChatRequest = CommonParams & { messages: ChatMessage[] }
export type CompletionRequest = CommonParams & { prompt: string | number[] }

export type RequestLimits = {
  /** Largest `max_tokens` a request may ask for. */
  maxTokens: number
  /** Most alternatives per token (`top_logprobs`, or `logprobs` on completions). */
  maxTopLogprobs: number
}

const invalid = (message: string, param: string | null, code: string | null = null) => new ApiError(400, message, 'invalid_request_error', param, code)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

function optionalNumber(body: Record<string, unknown>, key: string, min: number, max: number, integer = false): number | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${key} must be a number, got ${typeName(value)}.`, key)
  if (integer && !Number.isInteger(value)) throw invalid(`${key} must be an integer, got ${value}.`, key)
  if (value < min || value > max) throw invalid(`${key} must be between ${min} and ${max}, got ${value}.`, key)
  return value
}

function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(`${key} must be a boolean, got ${typeName(value)}.`, key)
  return value
}

function parseCommon(body: Record<string, unknown>, limits: RequestLimits): Omit<CommonParams, 'logprobs' | 'topLogprobs'> {
  if (body.model !== undefined && typeof body.model !== 'string') throw invalid(`model must be a string, got ${typeName(body.model)}.`, 'model')
  optionalNumber(body, 'n', 1, 1, true) // one choice per request: any other n is refused
  const maxTokensKey = body.max_completion_tokens !== undefined && body.max_completion_tokens !== null ? 'max_completion_tokens' : 'max_tokens'
  const maxTokens = optionalNumber(body, maxTokensKey, 1, Number.MAX_SAFE_INTEGER, true)
  if (maxTokens !== undefined && maxTokens > limits.maxTokens) {
    throw invalid(`${maxTokensKey} is ${maxTokens}, above this node's limit of ${limits.maxTokens}.`, maxTokensKey, 'max_tokens_exceeded')
  }
  let stop: string[] = []
  if (typeof body.stop === 'string') stop = [body.stop]
  else if (Array.isArray(body.stop)) {
    if (body.stop.length > 4 || body.stop.some((s) => typeof s !== 'string' || s === '')) throw invalid('stop must be a string or up to 4 non-empty strings.', 'stop')
    stop = body.stop as string[]
  } else if (body.stop !== undefined && body.stop !== null) throw invalid(`stop must be a string or an array of strings, got ${typeName(body.stop)}.`, 'stop')
  if (body.stream_options !== undefined && body.stream_options !== null && !isObject(body.stream_options)) throw invalid('stream_options must be an object.', 'stream_options')
  for (const key of ['frequency_penalty', 'presence_penalty']) {
    const value = optionalNumber(body, key, -2, 2)
    if (value !== undefined && value !== 0) throw invalid(`${key} is not supported by this node (only 0).`, key, 'unsupported_parameter')
  }
  return {
    model: body.model as string | undefined,
    maxTokens,
    temperature: optionalNumber(body, 'temperature', 0, 2) ?? 1,
    topP: optionalNumber(body, 'top_p', 0, 1) ?? 1,
    seed: optionalNumber(body, 'seed', 0, 2 ** 32 - 1, true),
    stop,
    stream: optionalBoolean(body, 'stream') ?? false,
  }
}

function messageContent(value: unknown, index: number): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    return value
      .map((part, i) => {
        if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
          throw invalid(`messages[${index}].content[${i}] must be a text part ({ "type": "text", "text": "…" }); this node serves text only.`, `messages[${index}].content`)
        }
        return part.text
      })
      .join('')
  }
  throw invalid(`messages[${index}].content must be a string or an array of text parts, got ${typeName(value)}.`, `messages[${index}].content`)
}

/** A JSON body of `POST /v1/chat/completions`, checked field by field. @throws {ApiError} 400 */
export function parseChatRequest(body: unknown, limits: RequestLimits): ChatRequest {
  if (!isObject(body)) throw invalid('The request body must be a JSON object.', null)
  if (!Array.isArray(body.messages)) throw invalid(`messages must be an array, got ${typeName(body.messages)}.`, 'messages')
  if (body.messages.length === 0) throw invalid('messages must not be empty: send at least one message.', 'messages')
  const messages = body.messages.map((message, i): ChatMessage => {
    if (!isObject(message)) throw invalid(`messages[${i}] must be an object.`, `messages[${i}]`)
    const role = message.role
    if (role !== 'system' && role !== 'developer' && role !== 'user' && role !== 'assistant') {
      throw invalid(`messages[${i}].role must be system, developer, user or assistant, got ${JSON.stringify(role)}.`, `messages[${i}].role`)
    }
    return { role, content: messageContent(message.content, i) }
  })
  const logprobs = optionalBoolean(body, 'logprobs') ?? false
  const topLogprobs = optionalNumber(body, 'top_logprobs', 0, limits.maxTopLogprobs, true) ?? 0
  if (topLogprobs > 0 && !logprobs) throw invalid('top_logprobs needs logprobs: true.', 'top_logprobs')
  return { ...parseCommon(body, limits), messages, logprobs, topLogprobs }
}

/** A JSON body of `POST /v1/completions`. @throws {ApiError} 400 */
export function parseCompletionRequest(body: unknown, limits: RequestLimits): CompletionRequest {
  if (!isObject(body)) throw invalid('The request body must be a JSON object.', null)
  let prompt: string | number[]
  const raw = body.prompt
  if (typeof raw === 'string') prompt = raw
  else if (Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string') prompt = raw[0]
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((t) => Number.isInteger(t) && (t as number) >= 0)) prompt = raw as number[]
  else throw invalid(`prompt must be a string, one string in an array, or token ids, got ${typeName(raw)}.`, 'prompt')
  if (prompt.length === 0) throw invalid('prompt must not be empty.', 'prompt')
  if (body.echo === true) throw invalid('echo is not supported by this node.', 'echo', 'unsupported_parameter')
  if (body.suffix !== undefined && body.suffix !== null) throw invalid('suffix is not supported by this node.', 'suffix', 'unsupported_parameter')
  const logprobCount = optionalNumber(body, 'logprobs', 0, limits.maxTopLogprobs, true)
  return { ...parseCommon(body, limits), prompt, logprobs: logprobCount !== undefined, topLogprobs: logprobCount ?? 0 }
}
