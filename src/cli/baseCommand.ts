import { Command, Flags, Interfaces, ux } from '@oclif/core'
import { createModeldao, type ModeldaoContext } from '../core/context/context.js'
import { ModeldaoError, describeCause } from '../core/errors/base.js'
import type { TransactionProgress } from '../core/chain/protocol/write.js'
import type { Service } from '../core/service/service.js'
import { readToken, type TokenInfo } from '../core/shares/market.js'
import { getPassword } from './password.js'
import { interruptSignal, whenAborted } from './progress.js'
import { closestMatch } from './suggest.js'

/** Flags of commands that sign transactions, beside the global --account. */
export const signerFlags = {
  'dev-account': Flags.integer({
    summary: 'Sign with anvil dev account N (local chain only).',
    min: 0,
    max: 9,
    helpGroup: 'GLOBAL',
  }),
}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** What `--json` prints: the same envelope for success and failure. */
export type JsonEnvelope<T> =
  | { status: 0; result: T; warnings: string[] }
  | { status: number; error: ReturnType<ModeldaoError['toJSON']>; warnings: string[] }

/**
 * Every modeldao command: global flags, one place that turns errors into exit codes and JSON, and helpers that
 * print only when not in `--json` mode.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    home: Flags.directory({
      summary: 'Folder for keystores, the local chain, deployments and the IPFS repo.',
      env: 'MODELDAO_HOME',
      helpGroup: 'GLOBAL',
    }),
    'rpc-url': Flags.string({
      summary: 'JSON-RPC endpoint of the chain (default: the local chain started by `chain up`).',
      env: 'MODELDAO_RPC_URL',
      helpGroup: 'GLOBAL',
    }),
    'chain-id': Flags.integer({
      summary: 'Expected chain id; commands refuse an endpoint that reports another.',
      env: 'MODELDAO_CHAIN_ID',
      min: 1,
      helpGroup: 'GLOBAL',
    }),
    account: Flags.string({
      summary: 'Keystore name (or its address) that signs transactions.',
      env: 'MODELDAO_ACCOUNT',
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  protected warnings: string[] = []

  public override async init(): Promise<void> {
    await super.init()
    const { args, flags, argv } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.positionals = argv.map(String)
  }

  /** Every positional argument, flags removed (commands with `strict = false` take a list). */
  protected positionals: string[] = []

  /** The context every action takes, built from the global flags; disposed when the command ends. */
  protected get ctx(): ModeldaoContext {
    this.context ??= createModeldao({
      home: this.flags.home,
      rpcUrl: this.flags['rpc-url'],
      chainId: this.flags['chain-id'],
      account: this.flags.account,
      devAccount: (this.flags as { 'dev-account'?: number | undefined })['dev-account'],
      privateKey: process.env.MODELDAO_PRIVATE_KEY,
      getPassword: ({ purpose, confirm }) => getPassword(purpose, { confirm }),
    })
    return this.context
  }

  private context: ModeldaoContext | undefined

  /** The deployment's payment token (symbol, decimals), for parsing and printing amounts. */
  protected async paymentToken(): Promise<TokenInfo> {
    return readToken(await this.ctx.chain(), (await this.ctx.deployments()).paymentToken)
  }

  public override async finally(error: Error | undefined): Promise<unknown> {
    await this.context?.dispose()
    return super.finally(error)
  }

  /** Starts a long-running service (then `afterStart`, e.g. registering it), renders its ready info, and stops it on Ctrl-C or SIGTERM. */
  protected async serve<Info>(service: Service<Info>, render: (info: Info) => void, afterStart?: (info: Info) => Promise<Info>, until?: Promise<unknown>): Promise<Info> {
    // Registered from the start until the service has stopped: see interruptSignal.
    using interrupt = interruptSignal()
    let info = await service.start()
    if (afterStart) {
      try {
        info = await afterStart(info)
      } catch (error) {
        await service.stop()
        throw error
      }
    }
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(this.toSuccessJson({ ...info, ready: true }))}\n`)
    render(info)
    // Ctrl-C, SIGTERM, or the service's own reason to end (e.g. a superseded model version).
    await Promise.race([whenAborted(interrupt.signal), ...(until ? [until] : [])])
    await service.stop()
    return info
  }

  /** A spinner line for each step of a transaction (simulated, signed, sent, mined). */
  protected transactionProgress(event: TransactionProgress) {
    if (event.stage === 'simulated') this.progress(`${event.call}: signing`)
    else if (event.stage === 'sent') this.progress(`${event.call}: sent ${event.hash}, waiting`)
    else if (event.stage === 'mined') this.progressDone(`mined in block ${event.blockNumber}`)
  }

  /** `name  address` lines for deployed contracts. */
  protected logContracts(contracts: Partial<Record<string, { address: string }>>) {
    const width = Math.max(...Object.keys(contracts).map((name) => name.length))
    for (const [name, contract] of Object.entries(contracts)) if (contract) this.log(`  ${name.padEnd(width)}  ${contract.address}`)
  }

  /** A warning: printed to stderr in text mode, carried in the JSON envelope otherwise. */
  protected note(message: string) {
    this.warnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(`${ux.colorize('yellow', 'Warning:')} ${message}\n`)
  }

  /** Starts a spinner on stderr (text mode, TTY only). */
  protected progress(message: string) {
    if (!this.jsonEnabled() && process.stderr.isTTY) ux.action.start(message)
  }

  protected progressDone(status = 'done') {
    if (ux.action.running) ux.action.stop(status)
  }

  /** "Did you mean --x?" for an oclif "Nonexistent flag: --y" message. */
  private flagSuggestion(message: string): string | undefined {
    const unknown = /Nonexistent flags?: (--?[\w-]+)/.exec(message)?.[1]
    if (!unknown) return undefined
    const known = Object.entries({ ...(this.ctor as typeof BaseCommand).baseFlags, ...this.ctor.flags, json: {} }).map(([name]) => `--${name}`)
    const match = closestMatch(unknown, known)
    return match ? `Did you mean ${match}?` : undefined
  }

  protected override toSuccessJson(result: unknown): JsonEnvelope<unknown> {
    return { status: 0, result, warnings: this.warnings }
  }

  protected override toErrorJson(error: unknown): JsonEnvelope<unknown> {
    const known = toModeldaoError(error)
    return { status: known.exitCode, error: known.toJSON(), warnings: this.warnings }
  }

  protected override async catch(error: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (ux.action.running) ux.action.stop(ux.colorize('red', 'failed'))
    // oclif's own parse errors (unknown flag, missing arg) keep oclif's rendering and exit code 2.
    if (!(error instanceof ModeldaoError) && error.oclif && !this.jsonEnabled()) {
      const hint = this.flagSuggestion(error.message)
      if (hint) process.stderr.write(`${ux.colorize('cyan', 'Hint:')} ${hint}\n`)
      return super.catch(error)
    }
    const known = toModeldaoError(error, this.flagSuggestion((error as Error).message))
    process.exitCode = known.exitCode
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(known))
      return
    }
    const text = renderError(known, (color, text) => ux.colorize(color, text))
    process.stderr.write(`${text}${process.env.MODELDAO_DEBUG && error.stack ? `\n${error.stack}` : ''}\n`)
  }
}

/** Any thrown value as a ModeldaoError; oclif parse errors keep their exit code 2. */
export function toModeldaoError(error: unknown, usageHint?: string): ModeldaoError {
  if (error instanceof ModeldaoError) return error
  const oclifExit = (error as { oclif?: { exit?: number } })?.oclif?.exit
  if (oclifExit !== undefined) {
    return new ModeldaoError('USAGE', usageMessage((error as Error).message), { hints: [...(usageHint ? [usageHint] : []), 'See --help for usage.'] })
  }
  return new ModeldaoError('INTERNAL', `Unexpected error: ${describeCause(error)}`, {
    hints: ['Run again with MODELDAO_DEBUG=1 for the stack trace, and report it.'],
    cause: error,
  })
}

/**
 * oclif's usage error as one line: its "The following error(s) occurred:" header and "See more help" footer dropped,
 * the problems themselves kept (a missing flag, a bad value), so JSON carries what text mode shows.
 */
export function usageMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^The following errors? occurred:?$/.test(line) && !/^See more help with/.test(line))
  return lines.join('; ') || message.trim()
}

/** An error as text mode shows it: the message, the details indented, one hint a line. */
export function renderError(error: ModeldaoError, colorize: (color: string, text: string) => string = (_, text) => text): string {
  const lines = [`${colorize('red', 'Error:')} ${error.shortMessage}`]
  if (error.details) lines.push(`  ${error.details.split('\n').join('\n  ')}`)
  for (const hint of error.hints) lines.push(`${colorize('cyan', 'Hint:')} ${hint}`)
  return lines.join('\n')
}
