import type { TransactionProgress } from '../core/chain/protocol/write.js'
import type { SourceStats } from '../core/ipfs/network/sourcePool.js'
import type { GetProgress } from '../core/models/get.js'
import type { PublishProgress } from '../core/models/publish.js'

/** Human-readable bytes: 1.5 MB, 3.2 GB (decimal units, like most download tools). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--'
  if (seconds < 60) return `${Math.ceil(seconds)}s`
  const minutes = Math.floor(seconds / 60)
  return minutes < 60 ? `${minutes}m${Math.round(seconds % 60)}s` : `${Math.floor(minutes / 60)}h${minutes % 60}m`
}

/**
 * A transfer progress line on stderr: the current item's bytes, rate and ETA, and the overall ones. Redraws in place
 * on a TTY (at most 10 times a second); off a TTY it prints a line when an item finishes, so logs stay short.
 */
export class TransferProgress {
  private readonly started = performance.now()
  private itemStarted = performance.now()
  private lastDraw = 0
  private readonly tty = Boolean(process.stderr.isTTY)
  private current = ''

  constructor(private readonly enabled: boolean) {}

  startItem(label: string) {
    this.current = label
    this.itemStarted = performance.now()
  }

  update(item: { bytes: number; total: number }, overall: { bytes: number; total: number }, suffix = '') {
    if (!this.enabled || !this.tty) return
    const now = performance.now()
    if (now - this.lastDraw < 100 && item.bytes < item.total) return
    this.lastDraw = now
    const rate = (bytes: number, since: number) => bytes / Math.max((now - since) / 1000, 1e-3)
    const itemRate = rate(item.bytes, this.itemStarted)
    const overallRate = rate(overall.bytes, this.started)
    const line =
      `${this.current}: ${formatBytes(item.bytes)}/${formatBytes(item.total)} ${formatBytes(itemRate)}/s ETA ${formatEta((item.total - item.bytes) / itemRate)}` +
      ` | total ${formatBytes(overall.bytes)}/${formatBytes(overall.total)} ${formatBytes(overallRate)}/s ETA ${formatEta((overall.total - overall.bytes) / overallRate)}` +
      suffix
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 200) - 1)}`)
  }

  finishItem(message: string) {
    if (!this.enabled) return
    if (this.tty) process.stderr.write('\r\x1b[2K')
    const seconds = (performance.now() - this.itemStarted) / 1000
    process.stderr.write(`${message} (${seconds.toFixed(1)}s)\n`)
  }

  /** Overall rate so far, bytes per second. */
  rate(bytes: number): number {
    return bytes / Math.max((performance.now() - this.started) / 1000, 1e-3)
  }
}

/** An AbortSignal that fires on Ctrl-C (SIGINT) or SIGTERM, so long work stops cleanly and can resume. */
export function interruptSignal(): { signal: AbortSignal; [Symbol.dispose]: () => void } {
  const controller = new AbortController()
  const onSignal = () => controller.abort(new Error('interrupted'))
  // `on`, not `once`: a library's signal-exit handler re-raises the signal (killing the process before our cleanup)
  // as soon as it finds itself the only listener left, which a spent `once` listener makes it.
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    [Symbol.dispose]: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}

/** Renders publish progress (one line per file, a live transfer line on a TTY). */
export function publishProgress(progress: TransferProgress) {
  return (event: PublishProgress | TransactionProgress) => {
    if (event.stage === 'file-start') progress.startItem(event.path)
    else if (event.stage === 'importing') progress.update({ bytes: event.fileBytes, total: event.fileTotal }, { bytes: event.bytes, total: event.total })
    else if (event.stage === 'file-done') progress.finishItem(`${event.path} ${event.cid}`)
  }
}

/** Each source's share of the verified bytes so far: ` | a 61% b 39% c ✗` (✗: dropped). */
export function sourceShares(sources: readonly SourceStats[]): string {
  if (sources.length < 2) return ''
  const total = sources.reduce((n, s) => n + s.bytes, 0) || 1
  const short = (name: string) => (name.length > 24 ? `…${name.slice(-23)}` : name)
  return ` | ${sources.map((s) => `${short(s.name)} ${s.state === 'dropped' ? '✗' : `${Math.round((s.bytes / total) * 100)}%`}`).join(' ')}`
}

/** Renders get progress (one line per file, a live transfer line on a TTY). */
export function getProgress(progress: TransferProgress) {
  let fileStarted = -1
  return (event: GetProgress) => {
    if (event.stage === 'fetching') {
      if (event.fileIndex !== fileStarted) {
        fileStarted = event.fileIndex
        progress.startItem(event.path)
      }
      progress.update({ bytes: event.bytes, total: event.fileSize }, { bytes: event.bytes, total: event.fileSize }, sourceShares(event.sources))
    } else if (event.stage === 'file-done') progress.finishItem(`${event.path} ${event.reused ? 'already there' : 'verified'}`)
  }
}

/** Resolves once `signal` has fired (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}
