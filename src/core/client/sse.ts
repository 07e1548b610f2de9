/**
 * Splits a server-sent event stream, as its bytes arrive, into the payloads of its `data:` lines (an OpenAI stream:
 * one JSON chunk per event, then `[DONE]`, which is left out).
 */
export class SseDataLines {
  private buffer = ''
  private readonly decoder = new TextDecoder()

  /** The data payloads completed by these bytes. */
  push(bytes: Uint8Array): string[] {
    this.buffer += this.decoder.decode(bytes, { stream: true })
    const out: string[] = []
    let end: number
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      out.push(...dataOf(this.buffer.slice(0, end)))
      this.buffer = this.buffer.slice(end + 2)
    }
    return out
  }

  /** The payloads of a last event the stream ended without a blank line after. */
  end(): string[] {
    const rest = this.buffer
    this.buffer = ''
    return rest.trim() === '' ? [] : dataOf(rest)
  }
}

function dataOf(event: string): string[] {
  const out: string[] = []
  for (const line of event.split('\n')) {
    if (!line.startsWith('data:')) continue
    const data = line.slice(5).trim()
    if (data !== '' && data !== '[DONE]') out.push(data)
  }
  return out
}
