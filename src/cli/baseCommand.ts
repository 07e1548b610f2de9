import { Command, Flags, Interfaces, ux } from '@oclif/core'
import { ExitCode, ModeldaoError, describeCause } from '../core/errors/base.js'
import { homeLayout, resolveHome, type HomeLayout } from '../core/home/paths.js'
import { connectChain, type ChainConnection } from '../core/chain/clients.js'
import { LocalChainNotRunningError } from '../core/chain/errors.js'
import { findLocalChain } from '../core/chain/localChain.js'
import { resolveSigner } from '../core/wallet/signer.js'
import { getPassword } from './password.js'
import { closestMatch } from './suggest.js'
import type { Account } from 'viem'

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
      summary: 'Folder for keystores, the local chain and deployments.',
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
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  protected get layout(): HomeLayout {
    return homeLayout(resolveHome(this.flags.home))
  }

  /** Connects to --rpc-url, or to the running local chain; checks --chain-id when given. */
  protected async connect(): Promise<ChainConnection> {
    let rpcUrl = this.flags['rpc-url']
    if (!rpcUrl) {
      const local = await findLocalChain(this.layout.localChain)
      if (!local) throw new LocalChainNotRunningError(this.layout.root)
      rpcUrl = local.rpcUrl
    }
    return connectChain({ rpcUrl, expectedChainId: this.flags['chain-id'] })
  }

  /** The signing account from --account / --dev-account / MODELDAO_PRIVATE_KEY, unlocking a keystore if needed. */
  protected async signer(connection: ChainConnection): Promise<Account> {
    const flags = this.flags as { 'dev-account'?: number | undefined; account?: string | undefined }
    return resolveSigner({
      keystoresFolder: this.layout.keystores,
      chainId: connection.chainId,
      account: flags.account,
      devAccount: flags['dev-account'],
      privateKey: process.env.MODELDAO_PRIVATE_KEY,
      getPassword: (name) => getPassword(`keystore "${name}"`),
    })
  }

  /** A manifest CID as given, or the one a model id (digits) points to on chain. */
  protected async manifestCidFor(ref: string): Promise<string> {
    if (!/^\d+$/.test(ref)) return ref
    const connection = await this.connect()
    const { requireDeployments } = await import('../core/chain/deployments.js')
    const { manifestCidOf } = await import('../core/models/register.js')
    return manifestCidOf(connection, await requireDeployments(this.layout.deployments, connection.chainId), BigInt(ref))
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
    const lines = [`${ux.colorize('red', 'Error:')} ${known.shortMessage}`]
    if (known.details) lines.push(`  ${known.details.split('\n').join('\n  ')}`)
    for (const hint of known.hints) lines.push(`${ux.colorize('cyan', 'Hint:')} ${hint}`)
    if (process.env.MODELDAO_DEBUG && error.stack) lines.push(error.stack)
    process.stderr.write(`${lines.join('\n')}\n`)
  }
}

/** Any thrown value as a ModeldaoError; oclif parse errors keep their exit code 2. */
export function toModeldaoError(error: unknown, usageHint?: string): ModeldaoError {
  if (error instanceof ModeldaoError) return error
  const oclifExit = (error as { oclif?: { exit?: number } })?.oclif?.exit
  if (oclifExit !== undefined) {
    const message = (error as Error).message.split('\n')[0]!
    return new ModeldaoError('USAGE', message, { exitCode: ExitCode.usage, hints: [...(usageHint ? [usageHint] : []), 'See --help for usage.'] })
  }
  return new ModeldaoError('INTERNAL', `Unexpected error: ${describeCause(error)}`, {
    hints: ['Run again with MODELDAO_DEBUG=1 for the stack trace, and report it.'],
    exitCode: ExitCode.internal,
    cause: error,
  })
}
