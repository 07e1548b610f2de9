import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import { describeCause, ModeldaoError } from '../../errors/base.js'
import { manifestAt, manifestFileRoots } from '../../models/modelDag.js'
import { parseCid } from '../formats/verify.js'
import { fetchDag } from '../network/fetch.js'
import { gatewaySource, peerSource, type BlockSource } from '../network/sources.js'
import type { IpfsRepo } from '../storage/repo.js'
import { PinRequestStore, type PinRequest } from './store.js'
import { PIN_STATUSES, TEXT_MATCHING_STRATEGIES, type Pin, type PinQuery, type PinStatus, type PinStatusName, type TextMatchingStrategy } from './types.js'

export type PinningServerOptions = {
  /** The access token clients must send (`Authorization: Bearer …`), compared in constant time. */
  token: string
  /** Bind address (default 127.0.0.1) and port (default 0: any free port). */
  host?: string | undefined
  port?: number | undefined
  /** The multiaddrs returned as `delegates` (the daemon's own), read on each answer. */
  delegates?: (() => string[]) | undefined
  /** Requests fetched at once (default 2); the others wait `queued`. */
  concurrency?: number | undefined
  /**
   * Opens a block source for one origin. Default: a multiaddr through a short-lived node (peerSource), an http(s) URL
   * as a trustless gateway. The daemon passes one that dials through its own running node.
   */
  openOrigin?: ((origin: string) => Promise<BlockSource>) | undefined
}

export type PinningServer = {
  /** Base URL of the API (`${url}/pins`). */
  url: string
  server: Server
  /** Stops serving and aborts running fetches; their requests resume on the next start. */
  close: () => Promise<void>
}

/** A refusal the API answers with its Failure object. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    details: string,
  ) {
    super(details)
  }
}

const MAX_BODY_BYTES = 64 * 1024
const MAX_ORIGINS = 20

/** True when the origin names a trustless gateway rather than a libp2p peer. */
export function isGatewayOrigin(origin: string): boolean {
  return /^https?:\/\//i.test(origin)
}

/** The default origin opener: gateways over HTTP, peers through a short-lived node over the repo. */
export function defaultOriginOpener(repo: IpfsRepo): (origin: string) => Promise<BlockSource> {
  return async (origin) => (isGatewayOrigin(origin) ? gatewaySource(origin) : peerSource(repo, origin))
}

/** A Pin from a request body, checked against the spec's schema. @throws {ApiError} 400 */
function parsePin(body: unknown): Pin {
  const bad = (details: string) => new ApiError(400, 'BAD_REQUEST', details)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the body must be a Pin object: {"cid": "…"}')
  const { cid, name, origins, meta } = body as Record<string, unknown>
  if (typeof cid !== 'string') throw bad('cid is required (a string)')
  let parsed: CID
  try {
    parsed = parseCid(cid)
  } catch (error) {
    throw bad(`cid: ${describeCause(error)}`)
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 255)) throw bad('name must be a string of at most 255 characters')
  if (origins !== undefined) {
    if (!Array.isArray(origins) || origins.length > MAX_ORIGINS) throw bad(`origins must be an array of at most ${MAX_ORIGINS} strings`)
    for (const origin of origins) {
      if (typeof origin !== 'string') throw bad('origins must hold strings')
      if (isGatewayOrigin(origin)) {
        if (!URL.canParse(origin)) throw bad(`origin ${origin} is not a URL`)
      } else {
        try {
          multiaddr(origin)
        } catch {
          throw bad(`origin ${origin} is neither a multiaddr nor an http(s) URL of a trustless gateway`)
        }
      }
    }
  }
  if (meta !== undefined && !isStringMap(meta)) throw bad('meta must be an object of string values')
  return {
    cid: parsed.toString(),
    ...(name === undefined ? {} : { name }),
    ...(origins === undefined ? {} : { origins: [...new Set(origins as string[])] }),
    ...(meta === undefined ? {} : { meta }),
  }
}

/** A failure in one line for `status_details`: the message and, for our errors, what caused it. */
function reasonOf(error: unknown): string {
  const message = describeCause(error).replace(/\.$/, '')
  return error instanceof ModeldaoError && error.details ? `${message}: ${error.details}` : message
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')
}

/** `GET /pins` filters; arrays come repeated (`?status=a&status=b`) or comma-separated (`?status=a,b`). @throws {ApiError} 400 */
export function parsePinQuery(params: URLSearchParams): PinQuery {
  const bad = (details: string) => new ApiError(400, 'BAD_REQUEST', details)
  const list = (key: string) => params.getAll(key).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean)
  const query: PinQuery = {}
  const cids = list('cid')
  if (cids.length > 10) throw bad('at most 10 cid values')
  if (cids.length) {
    query.cid = cids.map((cid) => {
      try {
        return parseCid(cid).toString()
      } catch {
        throw bad(`cid ${cid} is not a CID`)
      }
    })
  }
  const name = params.get('name')
  if (name !== null) {
    if (name.length > 255) throw bad('name is longer than 255 characters')
    query.name = name
  }
  const match = params.get('match')
  if (match !== null) {
    if (!TEXT_MATCHING_STRATEGIES.includes(match as TextMatchingStrategy)) throw bad(`match must be one of ${TEXT_MATCHING_STRATEGIES.join(', ')}`)
    query.match = match as TextMatchingStrategy
  }
  const statuses = list('status')
  for (const status of statuses) if (!PIN_STATUSES.includes(status as PinStatusName)) throw bad(`status must be among ${PIN_STATUSES.join(', ')}`)
  if (statuses.length) query.status = [...new Set(statuses)] as PinStatusName[]
  for (const key of ['before', 'after'] as const) {
    const value = params.get(key)
    if (value === null) continue
    const time = Date.parse(value)
    if (Number.isNaN(time)) throw bad(`${key} must be an RFC 3339 time`)
    query[key] = new Date(time).toISOString()
  }
  const limit = params.get('limit')
  if (limit !== null) {
    const value = Number(limit)
    if (!Number.isInteger(value) || value < 1 || value > 1000) throw bad('limit must be an integer from 1 to 1000')
    query.limit = value
  }
  const meta = params.get('meta')
  if (meta !== null) {
    let value: unknown
    try {
      value = JSON.parse(meta)
    } catch {
      throw bad('meta must be a JSON object of strings')
    }
    if (!isStringMap(value)) throw bad('meta must be a JSON object of strings')
    query.meta = value
  }
  return query
}

/** Constant-time check of an `Authorization: Bearer …` header (hashes first, so lengths leak nothing either). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '')
  const given = createHash('sha256').update(match?.[1]?.trim() ?? '').digest()
  return timingSafeEqual(given, expected) && match !== null
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(body === undefined ? undefined : JSON.stringify(body))
}

function sendFailure(res: ServerResponse, status: number, reason: string, details: string) {
  if (status === 401) res.setHeader('www-authenticate', 'Bearer')
  sendJson(res, status, { error: { reason, details } })
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = []
  let size = 0
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.byteLength
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'BODY_TOO_LARGE', `the body is over ${MAX_BODY_BYTES} bytes`)
    parts.push(part)
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'))
  } catch {
    throw new ApiError(400, 'BAD_REQUEST', 'the body is not JSON')
  }
}

/**
 * The pin requests and the work behind them: each request is fetched from its origins (every block checked against
 * its CID), then pinned in the repo; a model card's CID brings the model's files too, so the service can serve the
 * whole model. At most `concurrency` fetches run at once; requests left unfinished by a stop are resumed on start.
 */
class PinningQueue {
  readonly store: PinRequestStore
  private readonly waiting: string[] = []
  private readonly running = new Map<string, AbortController>()
  private readonly tasks = new Set<Promise<void>>()
  private closed = false

  constructor(
    private readonly repo: IpfsRepo,
    private readonly openOrigin: (origin: string) => Promise<BlockSource>,
    private readonly concurrency: number,
  ) {
    this.store = new PinRequestStore(repo.blockstore.database)
  }

  resume(): void {
    for (const request of this.store.unfinished()) this.waiting.push(request.requestid)
    this.pump()
  }

  add(pin: Pin): PinRequest {
    const request = this.store.add(pin)
    this.waiting.push(request.requestid)
    this.pump()
    return this.store.get(request.requestid) ?? request
  }

  /** A new request for `pin` that takes over the old one's pins: they are released once the new one settles. */
  replace(old: string, pin: Pin): PinRequest {
    const request = this.store.add(pin)
    this.store.moveRoots(old, request.requestid)
    this.cancel(old)
    this.store.remove(old)
    this.waiting.push(request.requestid)
    this.pump()
    return this.store.get(request.requestid) ?? request
  }

  remove(requestid: string): void {
    this.cancel(requestid)
    this.store.remove(requestid)
    this.release(requestid, new Set())
  }

  private cancel(requestid: string) {
    const index = this.waiting.indexOf(requestid)
    if (index >= 0) this.waiting.splice(index, 1)
    this.running.get(requestid)?.abort(new Error('the request was removed'))
  }

  /** Drops the request's roots not in `keep`, unpinning those the service pinned and no other request holds. */
  private release(requestid: string, keep: Set<string>) {
    for (const root of this.store.roots(requestid)) {
      if (keep.has(root.cid)) continue
      this.store.dropRoot(requestid, root.cid)
      if (root.owned && !this.store.owns(root.cid, requestid)) this.repo.unpin(parseCid(root.cid))
    }
  }

  private pump() {
    while (!this.closed && this.running.size < this.concurrency && this.waiting.length) {
      const requestid = this.waiting.shift()!
      const controller = new AbortController()
      this.running.set(requestid, controller)
      const task = this.process(requestid, controller.signal).finally(() => {
        this.running.delete(requestid)
        this.tasks.delete(task)
        this.pump()
      })
      this.tasks.add(task)
    }
  }

  private async process(requestid: string, signal: AbortSignal): Promise<void> {
    const request = this.store.get(requestid)
    if (!request) return
    this.store.setStatus(requestid, 'pinning', { status_details: 'fetching' })
    try {
      const { roots, blocks, fetchedBytes } = await this.fetch(request, signal)
      if (signal.aborted || !this.store.has(requestid)) return
      const pinned = new Set(this.repo.pins().map((pin) => pin.cid))
      for (const root of roots) {
        const cid = root.cid.toString()
        const owned = !pinned.has(cid) || this.store.owns(cid)
        if (!pinned.has(cid)) await this.repo.pin(root.cid, root.label)
        this.store.addRoot(requestid, { cid, owned })
      }
      if (!this.store.has(requestid)) return this.release(requestid, new Set())
      this.release(requestid, new Set(roots.map((root) => root.cid.toString())))
      const what = roots.length > 1 ? `${roots.length} roots (a model card and its files)` : '1 root'
      this.store.setStatus(requestid, 'pinned', { status_details: `pinned ${what}: ${blocks} blocks, ${fetchedBytes} bytes fetched` })
    } catch (error) {
      // Stopped: the request stays unfinished and resumes on the next start. Removed: nothing to record.
      if (this.closed || !this.store.has(requestid)) return
      this.store.setStatus(requestid, 'failed', { status_details: describeCause(error) })
      this.release(requestid, new Set())
    }
  }

  /** Makes the request's DAG local (and a model's files), trying each origin in turn; blocks fetched are kept. */
  private async fetch(request: PinRequest, signal: AbortSignal): Promise<{ roots: { cid: CID; label: string }[]; blocks: number; fetchedBytes: number }> {
    const root = parseCid(request.pin.cid)
    const origins = request.pin.origins ?? []
    const problems: string[] = []
    let lastUpdate = 0
    let blocks = 0
    let fetchedBytes = 0
    const onProgress = (progress: { blocks: number; fetchedBytes: number }, done: { blocks: number; fetchedBytes: number }) => {
      const now = Date.now()
      if (now - lastUpdate < 500 || !this.store.has(request.requestid)) return
      lastUpdate = now
      this.store.setStatus(request.requestid, 'pinning', {
        status_details: `fetching: ${done.blocks + progress.blocks} blocks, ${done.fetchedBytes + progress.fetchedBytes} bytes fetched`,
      })
    }
    for (const origin of origins.length ? origins : [undefined]) {
      let source: BlockSource | undefined
      try {
        source = origin === undefined ? undefined : await this.openOrigin(origin)
        const done = { blocks: 0, fetchedBytes: 0 }
        const fetchOne = async (cid: CID) => {
          const result = await fetchDag(this.repo, cid, source, { signal, onProgress: (progress) => onProgress(progress, done) })
          done.blocks += result.blocks
          done.fetchedBytes += result.fetchedBytes
        }
        await fetchOne(root)
        const manifest = await manifestAt(root, (cid) => this.repo.blockstore.getBytes(cid)).catch(() => undefined)
        const label = request.pin.name ?? manifest?.name ?? root.toString()
        const roots = [{ cid: root, label: manifest ? `${label} (manifest, pinning service)` : `${label} (pinning service)` }]
        for (const file of manifest ? manifestFileRoots(manifest) : []) {
          await fetchOne(file.cid)
          roots.push({ cid: file.cid, label: `${manifest!.name}/${file.path} (pinning service)` })
        }
        blocks = done.blocks
        fetchedBytes += done.fetchedBytes
        return { roots, blocks, fetchedBytes }
      } catch (error) {
        if (signal.aborted) throw error
        problems.push(`${origin ?? 'no origin given, and the local repo'}: ${reasonOf(error)}`)
      } finally {
        await source?.close().catch(() => {})
      }
    }
    throw new Error(`could not fetch ${root} from ${origins.length ? `any origin` : 'anywhere'} (${problems.join('; ')})`)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const controller of this.running.values()) controller.abort(new Error('the pinning service stopped'))
    await Promise.allSettled([...this.tasks])
  }
}

/**
 * Serves the IPFS Pinning Service API (`/pins`, as kubo's `ipfs pin remote` and any spec client use it) over the repo,
 * behind a bearer token. Binds 127.0.0.1 unless told otherwise.
 * @example
 * const pinning = await startPinningServer(repo, { token, port: 0, delegates: () => node.addresses() })
 * // POST ${pinning.url}/pins {"cid": "bafy…", "origins": ["/ip4/…/p2p/…"]}
 */
export async function startPinningServer(repo: IpfsRepo, options: PinningServerOptions): Promise<PinningServer> {
  const expected = createHash('sha256').update(options.token).digest()
  const queue = new PinningQueue(repo, options.openOrigin ?? defaultOriginOpener(repo), options.concurrency ?? 2)
  const delegates = () => options.delegates?.() ?? []
  const toStatus = (request: PinRequest): PinStatus => ({
    requestid: request.requestid,
    status: request.status,
    created: request.created,
    pin: request.pin,
    delegates: delegates(),
    info: request.info,
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://pinning')
    const path = url.pathname.replace(/\/+$/, '')
    const item = /^\/pins\/([^/]+)$/.exec(path)
    if (path !== '/pins' && !item) throw new ApiError(404, 'NOT_FOUND', 'this is an IPFS Pinning Service API: /pins and /pins/{requestid}')
    if (!authorized(req.headers.authorization, expected)) throw new ApiError(401, 'UNAUTHORIZED', 'Access token is missing or invalid')
    if (!item) {
      if (req.method === 'GET') {
        const { count, requests } = queue.store.list(parsePinQuery(url.searchParams))
        return sendJson(res, 200, { count, results: requests.map(toStatus) })
      }
      if (req.method === 'POST') return sendJson(res, 202, toStatus(queue.add(parsePin(await readJson(req)))))
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', '/pins takes GET and POST')
    }
    const requestid = decodeURIComponent(item[1]!)
    const request = queue.store.get(requestid)
    if (req.method === 'POST') {
      const pin = parsePin(await readJson(req))
      if (!request) throw new ApiError(404, 'NOT_FOUND', `no pin request ${requestid}`)
      return sendJson(res, 202, toStatus(queue.replace(requestid, pin)))
    }
    if (!request) throw new ApiError(404, 'NOT_FOUND', `no pin request ${requestid}`)
    if (req.method === 'GET') return sendJson(res, 200, toStatus(request))
    if (req.method === 'DELETE') {
      queue.remove(requestid)
      res.writeHead(202)
      return void res.end()
    }
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', '/pins/{requestid} takes GET, POST and DELETE')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      if (error instanceof ApiError) sendFailure(res, error.status, error.reason, error.message)
      else sendFailure(res, 500, 'INTERNAL_SERVER_ERROR', describeCause(error))
    })
  })
  // Longer than clients' idle pools (undici keeps sockets 4 s), so a poll never reuses a socket the server just closed.
  server.keepAliveTimeout = 65_000
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, resolve)
  })
  queue.resume()
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
      await queue.close()
    },
  }
}
