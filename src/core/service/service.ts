import { EventEmitter } from 'node:events'

type ServiceEvents<Info> = { ready: [info: Info]; stopped: [] }

/**
 * The shape of every long-running modeldao process (the IPFS daemon now; the serving node, the validator and the TUI
 * next): `start()` resolves with what it serves and emits `ready`; `stop()` releases everything and emits `stopped`;
 * `await using` stops it too. Signals are the CLI's business, never the service's.
 */
export abstract class Service<Info> extends EventEmitter<ServiceEvents<Info>> {
  private starting: Promise<Info> | undefined
  private stopping: Promise<void> | undefined
  private readyInfo: Info | undefined

  /** Brings the service up; subclasses undo their own partial work before throwing. */
  protected abstract open(): Promise<Info>
  /** Releases everything `open` acquired. */
  protected abstract close(): Promise<void>

  /** What the service serves (addresses, ids), once started. */
  get info(): Info | undefined {
    return this.readyInfo
  }

  get running(): boolean {
    return this.readyInfo !== undefined && this.stopping === undefined
  }

  /** Starts once; later calls get the same result. */
  start(): Promise<Info> {
    this.starting ??= this.open().then((info) => {
      this.readyInfo = info
      this.emit('ready', info)
      return info
    })
    return this.starting
  }

  /** Stops once; safe to call before start finished or twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.starting) await this.starting.catch(() => undefined)
      if (this.readyInfo !== undefined) await this.close()
      this.emit('stopped')
    })()
    return this.stopping
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
