import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import { Uint8ArrayList } from 'uint8arraylist'
import { batchChunks, carStream } from '../formats/car.js'
import { parseCid } from '../formats/verify.js'
import type { IpfsRepo } from '../storage/repo.js'

/**
 * Whole-DAG transfer between modeldao nodes: the client writes `<cid>\n`, the server answers `200\n` and a CARv1 of
 * the DAG (depth-first, each block once: what a trustless gateway sends for `?format=car&dag-scope=all`), or
 * `404 <reason>\n`. One stream carries gigabytes at stream speed, where bitswap pays a want per block. The client
 * verifies every block against its CID, so the server is trusted for nothing.
 */
export const CAR_PROTOCOL = '/modeldao/car/1.0.0'

/** The peer does not speak the CAR protocol (an IPFS node that is not modeldao): use bitswap. */
export class CarNotOfferedError extends Error {
  override name = 'CarNotOfferedError'
}

/**
 * A libp2p stream as an async iterable of chunks, with backpressure: the stream is paused while more than `high`
 * bytes wait unread (the stream's own iterator buffers without bound, and the muxer resets a stream whose read
 * buffer overflows). Listens from the moment it is called, so call it before asking the other side for anything:
 * our protocols answer only once asked, and nothing can arrive unheard.
 */
export function readStream(stream: Stream, high = 8 * 1024 * 1024): AsyncIterableIterator<Uint8Array> {
  const queue: Uint8Array[] = []
  let queued = 0
  let ended = false
  let failure: unknown
  let wake: (() => void) | undefined
  const onMessage = (event: { data: Uint8Array | Iterable<Uint8Array> }) => {
    const parts = event.data instanceof Uint8Array ? [event.data] : [...event.data]
    for (const part of parts) {
      queue.push(part)
      queued += part.byteLength
    }
    if (queued > high && stream.readStatus === 'readable') stream.pause()
    wake?.()
  }
  const onEnd = () => {
    ended = true
    wake?.()
  }
  const onClose = (event: Event & { error?: unknown }) => {
    ended = true
    failure = event.error
    wake?.()
  }
  stream.addEventListener('message', onMessage as never)
  stream.addEventListener('remoteCloseWrite', onEnd)
  stream.addEventListener('close', onClose as never)
  const stop = () => {
    stream.removeEventListener('message', onMessage as never)
    stream.removeEventListener('remoteCloseWrite', onEnd)
    stream.removeEventListener('close', onClose as never)
  }
  const iterator: AsyncIterableIterator<Uint8Array> = {
    async next() {
      for (;;) {
        const value = queue.shift()
        if (value) {
          queued -= value.byteLength
          if (queued < high / 4 && stream.readStatus === 'paused') stream.resume()
          return { value, done: false }
        }
        if (failure || ended) {
          stop()
          if (failure) throw failure
          return { value: undefined, done: true }
        }
        await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
      }
    },
    async return() {
      stop()
      return { value: undefined, done: true }
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}

/** Reads one `\n`-terminated line (at most `max` bytes) and returns it with whatever came after it. */
async function readLine(chunks: AsyncIterator<Uint8Array>, max = 512): Promise<{ line: string; rest: Uint8Array }> {
  let buffered = Buffer.alloc(0)
  for (;;) {
    const newline = buffered.indexOf(0x0a)
    if (newline >= 0) return { line: buffered.subarray(0, newline).toString('utf8'), rest: buffered.subarray(newline + 1) }
    if (buffered.byteLength > max) throw new Error(`no line within ${max} bytes`)
    const next = await chunks.next()
    if (next.done) throw new Error('the stream ended before a line')
    buffered = Buffer.concat([buffered, next.value])
  }
}

async function send(stream: Stream, bytes: Uint8Array | Uint8ArrayList, signal?: AbortSignal) {
  if (!stream.send(bytes)) await stream.onDrain(signal ? { signal } : {})
}

/** Serves `CAR_PROTOCOL` from the repo on this libp2p node. */
export async function serveCarProtocol(libp2p: Libp2p, repo: IpfsRepo): Promise<void> {
  await libp2p.handle(
    CAR_PROTOCOL,
    async (stream) => {
      const controller = new AbortController()
      stream.addEventListener('close', () => controller.abort(), { once: true })
      try {
        const { line } = await readLine(readStream(stream, 4096))
        let cid: CID
        try {
          cid = parseCid(line)
        } catch {
          await send(stream, Buffer.from(`400 not a CID: ${line.slice(0, 100)}\n`))
          return await stream.close()
        }
        if (!repo.blockstore.has(cid)) {
          await send(stream, Buffer.from(`404 ${cid} is not in this repo\n`))
          return await stream.close()
        }
        await send(stream, Buffer.from('200\n'))
        // Blocks are not re-hashed here (the client checks each one); a block's header and bytes go out as one
        // message, so the muxer and the encryption see large frames.
        for await (const batch of batchChunks(carStream(repo, cid, controller.signal, [], { verify: false }), 256 * 1024)) {
          await send(stream, new Uint8ArrayList(...batch), controller.signal)
        }
        await stream.close()
      } catch (error) {
        // A block missing half-way: reset, so the client sees a cut stream, never a complete-looking CAR.
        stream.abort(error as Error)
      }
    },
    { maxInboundStreams: 8 },
  )
}

/**
 * Opens a CAR stream of the DAG under `root` from a peer that serves `CAR_PROTOCOL`.
 * @throws {CarNotOfferedError} the peer does not speak the protocol, or does not have `root`.
 */
export async function openCarStream(libp2p: Libp2p, peer: Multiaddr, root: CID, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  let stream: Stream
  try {
    stream = await libp2p.dialProtocol(peer, CAR_PROTOCOL, signal ? { signal } : {})
  } catch (error) {
    if ((error as Error).name === 'UnsupportedProtocolError') throw new CarNotOfferedError(`${peer} does not serve ${CAR_PROTOCOL}`)
    throw error
  }
  const onAbort = () => stream.abort(new Error('aborted'))
  signal?.addEventListener('abort', onAbort, { once: true })
  const chunks = readStream(stream)
  await send(stream, Buffer.from(`${root}\n`), signal)
  const { line, rest } = await readLine(chunks)
  if (!line.startsWith('200')) {
    signal?.removeEventListener('abort', onAbort)
    stream.abort(new Error('refused'))
    throw new CarNotOfferedError(`${peer} answered "${line}"`)
  }
  return (async function* () {
    let complete = false
    try {
      if (rest.byteLength > 0) yield rest
      for (;;) {
        const next = await chunks.next()
        if (next.done) break
        yield next.value
      }
      complete = true
    } finally {
      signal?.removeEventListener('abort', onAbort)
      // Read to the end: close politely. Stopped early (a bad block, an abort): reset, so the server stops sending.
      if (complete) await stream.close().catch(() => {})
      else if (stream.status === 'open') stream.abort(new Error('the reader stopped'))
    }
  })()
}
