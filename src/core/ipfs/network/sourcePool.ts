import type { CID } from 'multiformats/cid'
import { BlockUnavailableError, CarInvalidError, SourcesExhaustedError, SourceUnreachableError, TamperedBlockError } from '../errors.js'
import { blockMatchesCid } from '../formats/verify.js'
import type { BlockSource } from './sources.js'

/** What one source has delivered so far, and whether it is still used. */
export type SourceStats = {
  name: string
  kind: BlockSource['kind']
  /** Verified bytes received from it. */
  bytes: number
  blocks: number
  state: 'active' | 'dropped'
  /** Why it was dropped. */
  reason?: string | undefined
  /** How it was transferring last (a peer's HTTP gateway, a libp2p CAR stream, bitswap). */
  via?: string | undefined
}

/**
 * A failure that says the source is broken or hostile, not that a block is missing: it sent bytes that do not match
 * their CID, sent garbage for a CAR, or went away. Such a source is dropped and its work goes to the others.
 */
export function isSourceFault(error: unknown): boolean {
  if (error instanceof TamperedBlockError || error instanceof SourceUnreachableError || error instanceof CarInvalidError) return true
  const name = (error as Error | undefined)?.name ?? ''
  // Raised by libp2p when a stream or connection dies under us.
  return /^(StreamResetError|StreamAbortedError|StreamClosedError|ConnectionClosedError|StreamStateError|MuxerClosedError)$/.test(name)
}

/**
 * Several sources used together: each verified block is credited to the source that sent it, a source that faults
 * is dropped (with its reason kept for progress and errors), and a block one source lacks is asked of the next.
 * Also a `BlockSource` itself (verifying), so code that takes one source takes a pool.
 */
export class SourcePool implements BlockSource {
  readonly name: string
  readonly kind = 'peer' as const
  /** Per source: what it delivered (reported as is), requests in flight, and the error that dropped it. */
  private readonly entries = new Map<BlockSource, { stats: SourceStats; inFlight: number; error?: unknown }>()
  /** Sources that could not even be opened (a peer that did not answer the dial). */
  private readonly failedAtOpen: SourceStats[]
  private turn = 0

  constructor(readonly sources: readonly BlockSource[], previouslyFailed: readonly { source: string; reason: string }[] = []) {
    this.name = sources.map((source) => source.name).join(', ')
    for (const source of sources) {
      this.entries.set(source, { stats: { name: source.name, kind: source.kind, bytes: 0, blocks: 0, state: 'active' }, inFlight: 0 })
    }
    this.failedAtOpen = previouslyFailed.map((f) => ({ name: f.source, kind: 'peer', bytes: 0, blocks: 0, state: 'dropped', reason: f.reason }))
  }

  get active(): BlockSource[] {
    return this.sources.filter((source) => this.isActive(source))
  }

  isActive(source: BlockSource): boolean {
    return this.entries.get(source)?.stats.state === 'active'
  }

  /** A snapshot for progress reports, in the order the sources were given. */
  snapshot(): SourceStats[] {
    const open = [...this.entries].map(([source, { stats }]) => ({ ...stats, ...(source.via ? { via: source.via() } : {}) }))
    return [...open, ...this.failedAtOpen.map((stats) => ({ ...stats }))]
  }

  credit(source: BlockSource, bytes: number) {
    const { stats } = this.entries.get(source)!
    stats.bytes += bytes
    stats.blocks++
  }

  drop(source: BlockSource, error: unknown) {
    const entry = this.entries.get(source)!
    if (entry.stats.state === 'dropped') return
    entry.stats.state = 'dropped'
    entry.stats.reason = (error as Error).message
    entry.error = error
    // Its libp2p node or HTTP agent is no use any more.
    source.close().catch(() => {})
  }

  /**
   * Gives up: every source is dropped (or none had what was asked). With a single source its own error says it best
   * (BLOCK_TAMPERED, SOURCE_UNREACHABLE…); with several, one error lists what happened to each.
   */
  exhausted(what: string, cause?: unknown): Error {
    if (this.sources.length === 1 && this.failedAtOpen.length === 0) {
      const own = this.entries.get(this.sources[0]!)!.error ?? cause
      if (own) return own as Error
    }
    return new SourcesExhaustedError(
      what,
      this.snapshot().map((s) => ({ source: s.name, reason: s.reason ?? 'did not have it' })),
      cause,
    )
  }

  /** The active source with the fewest requests in flight (round robin among equals). */
  private pick(exclude: ReadonlySet<BlockSource>): BlockSource | undefined {
    const candidates = this.active.filter((source) => !exclude.has(source))
    if (candidates.length === 0) return undefined
    this.turn = (this.turn + 1) % candidates.length
    const rotated = [...candidates.slice(this.turn), ...candidates.slice(0, this.turn)]
    const load = (source: BlockSource) => this.entries.get(source)!.inFlight
    return rotated.reduce((best, source) => (load(source) < load(best) ? source : best))
  }

  /**
   * One block, verified against its CID, from whichever source has it. A source that sends bad bytes or fails is
   * dropped; one that lacks the block is skipped for it.
   * @throws {SourcesExhaustedError} no source could supply it.
   */
  async fetchBlock(cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    const tried = new Set<BlockSource>()
    let lastError: unknown
    for (;;) {
      const source = this.pick(tried)
      if (!source) throw this.exhausted(`block ${cid}`, lastError)
      tried.add(source)
      const entry = this.entries.get(source)!
      entry.inFlight++
      try {
        const bytes = await source.fetchBlock(cid, signal)
        if (!blockMatchesCid(cid, bytes)) throw new TamperedBlockError(cid.toString(), source.name)
        this.credit(source, bytes.byteLength)
        return bytes
      } catch (error) {
        signal?.throwIfAborted()
        lastError = error
        if (isSourceFault(error)) this.drop(source, error)
        else if (!(error instanceof BlockUnavailableError)) throw error
      } finally {
        entry.inFlight--
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.close().catch(() => {})))
  }
}
