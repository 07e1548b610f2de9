import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CID } from 'multiformats/cid'
import { batchChunks, carStream } from '../formats/car.js'
import { parseCid } from '../formats/verify.js'
import type { IpfsRepo } from '../storage/repo.js'

export const RAW_TYPE = 'application/vnd.ipld.raw'
export const CAR_TYPE = 'application/vnd.ipld.car'

export type Gateway = { url: string; server: Server; close: () => Promise<void> }

/** Which trustless response a request asks for: `?format=` wins over `Accept`. */
function responseFormat(url: URL, accept: string | undefined): 'raw' | 'car' | undefined {
  const format = url.searchParams.get('format')
  if (format === 'raw' || format === 'car') return format
  if (format) return undefined
  if (accept?.includes(RAW_TYPE)) return 'raw'
  if (accept?.includes(CAR_TYPE)) return 'car'
  return undefined
}

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  res.end(`${body}\n`)
}

async function handle(repo: IpfsRepo, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://gateway')
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD')
  if (url.pathname === '/' ) return send(res, 200, 'modeldao trustless gateway: GET /ipfs/<cid>?format=raw|car')
  const match = /^\/ipfs\/([^/]+)\/?$/.exec(url.pathname)
  if (!match) return send(res, 400, 'expected /ipfs/<cid> (paths inside a DAG are not served)')
  let cid: CID
  try {
    cid = parseCid(decodeURIComponent(match[1]!))
  } catch {
    return send(res, 400, `not a CID: ${match[1]}`)
  }
  const format = responseFormat(url, req.headers.accept)
  if (!format) return send(res, 406, `this is a trustless gateway: ask for ?format=raw or ?format=car (or Accept: ${RAW_TYPE} / ${CAR_TYPE})`)
  if (!repo.blockstore.has(cid)) return send(res, 404, `${cid} is not in this repo`)
  const common = {
    'cache-control': 'public, max-age=29030400, immutable',
    'x-content-type-options': 'nosniff',
    'x-ipfs-roots': cid.toString(),
    vary: 'Accept',
  }
  if (format === 'raw') {
    const bytes = repo.blockstore.getBytes(cid)
    res.writeHead(200, { ...common, 'content-type': RAW_TYPE, 'content-length': bytes.byteLength, etag: `"${cid}.raw"` })
    return res.end(req.method === 'HEAD' ? undefined : bytes)
  }
  res.writeHead(200, {
    ...common,
    'content-type': `${CAR_TYPE}; version=1; order=dfs; dups=n`,
    etag: `"${cid}.car"`,
    'content-disposition': `attachment; filename="${cid}.car"`,
  })
  if (req.method === 'HEAD') return res.end()
  try {
    // Blocks are not re-hashed here: a trustless client checks each one against its CID.
    for await (const batch of batchChunks(carStream(repo, cid, undefined, [], { verify: false }), 1024 * 1024)) {
      res.cork()
      for (const chunk of batch) res.write(chunk)
      res.uncork()
      // Asked after uncork: the flush may already have drained what the corked writes buffered.
      if (res.writableNeedDrain) await new Promise((resolve) => res.once('drain', resolve))
    }
    res.end()
  } catch {
    // Headers are gone: cut the connection so the client sees a truncated CAR, not a complete-looking one.
    res.destroy()
  }
}

/**
 * Serves the repo as a trustless HTTP gateway (`/ipfs/<cid>?format=raw|car`), so any IPFS client that speaks the
 * trustless gateway protocol can fetch from it and verify what it gets. Binds 127.0.0.1 unless told otherwise.
 */
export async function startGateway(repo: IpfsRepo, options: { host?: string; port?: number } = {}): Promise<Gateway> {
  const server = createServer((req, res) => {
    handle(repo, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, (error as Error).message)
      else res.destroy()
    })
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
