// A loopback HTTP proxy for tests that play a hostile party between a client and a node: it reads each request whole,
// may forward it (headers kept) and answers with what it likes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Starts the proxy on 127.0.0.1 (a free port); `handle` gets each request with its body read. */
export async function loopbackProxy(handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>) {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    await handle(req, Buffer.concat(chunks), res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** Sends the request on to `target` with its headers (the payment ones included). */
export function forward(target: string, req: IncomingMessage, body: Buffer): Promise<Response> {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v
  return fetch(`${target}${req.url}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body } : {}) })
}

/** The upstream's headers less the framing ones (the body is sent again, whole) and `drop`. */
export function upstreamHeaders(upstream: Response, drop: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {}
  upstream.headers.forEach((v, k) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', ...drop].includes(k)) out[k] = v
  })
  return out
}

/** Answers with the upstream status and headers (less the framing ones and `drop`) and `body`. */
export function answer(res: ServerResponse, upstream: Response, body: string | Buffer, drop: readonly string[] = []): void {
  res.writeHead(upstream.status, upstreamHeaders(upstream, drop))
  res.end(body)
}
