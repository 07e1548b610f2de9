import { Worker } from 'node:worker_threads'

// The worker reads the file as it grows and hashes it in order. Plain CommonJS, evaluated as is: no build step, no
// file to locate next to the compiled module.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { openSync, readSync, closeSync } = require('node:fs')
const fd = openSync(workerData.path, 'r')
const hash = createHash('sha256')
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024)
let hashed = 0
let failed
parentPort.on('message', (message) => {
  try {
    if (failed) throw failed
    if (message.end !== undefined) {
      while (hashed < message.end) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, message.end - hashed), hashed)
        if (read === 0) throw new Error('the file is shorter than ' + message.end + ' bytes')
        hash.update(buffer.subarray(0, read))
        hashed += read
      }
    }
    if (message.digest) {
      closeSync(fd)
      parentPort.postMessage({ digest: hash.digest('hex'), hashed })
    }
  } catch (error) {
    failed = error
    if (message.digest) parentPort.postMessage({ error: String(error && error.message || error) })
  }
})
`

/**
 * The sha256 of a file being written out of order, computed in file order on a worker thread: `advanceTo(n)` says the
 * first n bytes are written (and final); the worker reads them back (from the page cache) and hashes them, off the
 * thread that receives, verifies and writes. Terminate it with `close()` if `digest()` is never called.
 */
export class PrefixHasher {
  private readonly worker: Worker
  private frontier = 0

  constructor(path: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } })
    // A worker that fails to start reports through digest(); keep it from crashing the process meanwhile.
    this.worker.on('error', () => {})
  }

  advanceTo(end: number) {
    if (end <= this.frontier) return
    this.frontier = end
    this.worker.postMessage({ end })
  }

  /** The hex sha256 of the first `end` bytes (all of the file once every segment is written). */
  async digest(end: number): Promise<string> {
    this.advanceTo(end)
    const reply = await new Promise<{ digest?: string; error?: string }>((resolve, reject) => {
      this.worker.once('message', resolve)
      this.worker.once('error', reject)
      this.worker.postMessage({ digest: true })
    })
    await this.close()
    if (reply.error || !reply.digest) throw new Error(`hashing the file failed: ${reply.error}`)
    return reply.digest
  }

  async close() {
    await this.worker.terminate()
  }
}
