import type { LlamaContextSequence } from 'node-llama-cpp'

/** Thrown by `acquire` when every sequence is busy and the queue is full: the HTTP layer answers 429. */
export class QueueFullError extends Error {
  override name = 'QueueFullError'
}

type Waiter = { resolve: (sequence: LlamaContextSequence) => void; reject: (error: unknown) => void; signal?: AbortSignal | undefined; onAbort?: () => void }

/**
 * Hands the context's sequences to requests, first come first served, with a bounded queue: a request either gets a
 * sequence now, waits in one of `maxQueue` places, or is refused at once. An aborted waiter leaves the queue.
 */
export class SequenceScheduler {
  private readonly free: LlamaContextSequence[]
  private readonly waiting: Waiter[] = []

  constructor(
    sequences: readonly LlamaContextSequence[],
    readonly maxQueue: number,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.free = [...sequences]
    this.total = sequences.length
  }

  readonly total: number

  get active(): number {
    return this.total - this.free.length
  }

  get queued(): number {
    return this.waiting.length
  }

  /** @throws {QueueFullError} when no place is left; the signal's reason when aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<LlamaContextSequence> {
    signal?.throwIfAborted()
    const sequence = this.free.pop()
    if (sequence) {
      this.onChange()
      return Promise.resolve(sequence)
    }
    if (this.waiting.length >= this.maxQueue) return Promise.reject(new QueueFullError(`all ${this.total} sequences are busy and ${this.maxQueue} requests wait`))
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal }
      waiter.onAbort = () => {
        const at = this.waiting.indexOf(waiter)
        if (at !== -1) this.waiting.splice(at, 1)
        this.onChange()
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.waiting.push(waiter)
      this.onChange()
    })
  }

  /** Gives a sequence back: to the first waiter, else to the free list. */
  release(sequence: LlamaContextSequence): void {
    const next = this.waiting.shift()
    if (next) {
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort)
      next.resolve(sequence)
    } else {
      this.free.push(sequence)
    }
    this.onChange()
  }
}
