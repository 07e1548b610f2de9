import { ModeldaoError } from '../errors/base.js'
import { SseDataLines } from './sse.js'

// Reads an OpenAI-style server-sent event stream (a chat completion with stream: true) into its text and the usage the
// node puts in the final chunk.

export type StreamedCompletion = { text: string; chunks: number; finishReason: string | null; usage: Record<string, unknown> | undefined }

export type ReadChatStreamOptions = {
  /** Each piece of text as it arrives. */
  onText?: ((delta: string) => void) | undefined
  /** Any bytes arrived (a watchdog resets its timer). */
  onData?: (() => void) | undefined
}

/** Collects a streamed chat completion from a fetch Response, handing each piece of text to `onText` as it arrives. */
export async function readChatStream(response: Response, options: ReadChatStreamOptions = {}): Promise<StreamedCompletion> {
  const { onText, onData } = options
  if (!response.body) throw new ModeldaoError('NODE_REQUEST_FAILED', 'The node answered without a body.', { hints: ['Ask again, or another node (`modeldao node list --model <id>`).'] })
  const result: StreamedCompletion = { text: '', chunks: 0, finishReason: null, usage: undefined }
  const take = (data: string) => {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string }; finish_reason?: string | null }[]; usage?: Record<string, unknown>; error?: { message?: string } }
    // Named, so chat does not mistake it for a cut connection (NODE_STREAM_CUT).
    if (chunk.error) throw new ModeldaoError('NODE_REQUEST_FAILED', `The node ended the stream with an error: ${chunk.error.message ?? 'unknown'}`, { hints: ['What it sent before the error is billed and its receipt kept by the node. Ask again, or another node (`modeldao node list --model <id>`).'] })
    result.chunks++
    const delta = chunk.choices?.[0]?.delta?.content ?? ''
    if (delta) {
      result.text += delta
      onText?.(delta)
    }
    result.finishReason = chunk.choices?.[0]?.finish_reason ?? result.finishReason
    if (chunk.usage) result.usage = chunk.usage
  }
  const events = new SseDataLines()
  for await (const bytes of response.body) {
    onData?.()
    for (const data of events.push(bytes as Uint8Array)) take(data)
  }
  for (const data of events.end()) take(data)
  return result
}
