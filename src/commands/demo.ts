import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { Flags } from '@oclif/core'
import { formatUnits } from 'viem'
import { BaseCommand } from '../cli/baseCommand.js'
import { interruptSignal, whenAborted } from '../cli/progress.js'
import { runDemo, type DemoStep, type RunDemoReturnType } from '../core/actions/demo/runDemo.js'
import { createModeldao } from '../core/context/context.js'
import { InterruptedError } from '../core/errors/base.js'

type DemoJson = Omit<RunDemoReturnType, 'kept' | 'ledger'> & {
  ledger: { rows: { label: string; amount: string; indent: number }[]; checks: { equation: string; left: string; right: string; holds: boolean }[]; dust: string; dustBounded: boolean; balanced: boolean }
  kept?: { rpcUrl: string; nodeUrl: string; gateway: string | null; passwordFile: string } | undefined
}

export default class Demo extends BaseCommand<typeof Demo> {
  static override summary = 'The whole story on a local chain in seconds: publish, tokenize, trade, govern, serve, pay, claim, catch a cheat.'
  static override description = `On a fresh temporary home (or an empty --home; MODELDAO_HOME is ignored), with no network: starts a local chain (anvil) and deploys the
protocol; creates encrypted keystores for a creator, two investors, two operators, a client and a validator and funds
them; generates small GGUFs; publishes v1 to the local IPFS repo with a model card and mints it as 1,000 shares; creates
the model's DAO; sells shares (and one investor resells to the other, paying the creator's royalty); votes a dataset in
(propose, vote, queue, advance time, execute); promotes v2 with quality stakes on both sides; starts a paid serving node
and pays it from three clients (modeldao's paying fetch, the openai client, a stock x402 client); settles; every holder
claims fees; then a second node secretly serves a 1-layer copy, a validator's spot checks catch it and it is slashed.
Each step prints one line; the summary shows the money adding up to the unit, measured on chain.

--keep leaves the chain, an IPFS daemon and the serving node running until Ctrl-C and prints how to vote in the TUI
and chat with the node. --step waits for Enter before each step. Ctrl-C stops everything it started.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --keep', '<%= config.bin %> <%= command.id %> --step']

  static override flags = {
    keep: Flags.boolean({ summary: 'Leave the chain, an IPFS daemon and the serving node running until Ctrl-C.' }),
    step: Flags.boolean({ summary: 'Wait for Enter before each step.' }),
  }

  async run(): Promise<DemoJson> {
    using interrupt = interruptSignal()
    // Only an explicit --home is used: a MODELDAO_HOME set for everyday work is not the demo's to fill.
    const explicitHome = this.argv.some((a) => a === '--home' || a.startsWith('--home='))
    const fresh = !explicitHome
    const root = explicitHome ? this.flags.home! : await mkdtemp(join(tmpdir(), 'modeldao-demo-'))
    const md = createModeldao({ home: root })
    const prompt = this.flags.step ? createInterface({ input: process.stdin, output: process.stderr }) : undefined
    let result: RunDemoReturnType
    try {
      if (!this.jsonEnabled()) this.log(`modeldao demo in ${root}${fresh ? ' (a fresh temporary home)' : ''}`)
      result = await runDemo(md, {
        keep: this.flags.keep,
        signal: interrupt.signal,
        onStep: (step) => this.jsonEnabled() || this.log(stepLine(step)),
        beforeStep: prompt ? async (name, index) => void (await prompt.question(`  next: ${index}. ${name} — Enter to run it `, { signal: interrupt.signal })) : undefined,
      })
    } catch (error) {
      if (interrupt.signal.aborted) {
        if (fresh) await rm(root, { recursive: true, force: true })
        throw new InterruptedError('The demo', 'Everything it started was stopped; run `modeldao demo` again for a fresh run.')
      }
      if (!this.jsonEnabled()) process.stderr.write(`The demo stopped; its home is kept for a look: ${root}\n`)
      throw error
    } finally {
      prompt?.close()
      await md.dispose()
    }

    const token = result.paymentToken
    const amount = (value: bigint) => formatUnits(value, token.decimals)
    if (!this.jsonEnabled()) {
      this.log('')
      this.log(`The money, measured on chain (${token.symbol}):`)
      const width = Math.max(...result.ledger.rows.map((r) => r.label.length + r.indent * 2))
      for (const row of result.ledger.rows) this.log(`  ${`${'  '.repeat(row.indent)}${row.label}`.padEnd(width)}  ${amount(row.amount).padStart(12)}`)
      for (const check of result.ledger.checks) this.log(`  ${check.holds ? '✓' : '✗'} ${check.equation}${check.holds ? '' : ` (${amount(check.left)} ≠ ${amount(check.right)})`}`)
      this.log(`  ${result.ledger.dustBounded ? '✓' : '✗'} rounding left in the fee pool is ${result.ledger.dust} base unit(s), under one per holder`)
      this.log(`${result.ledger.balanced ? 'Everything adds up.' : 'The money does NOT add up: see the ✗ lines.'} ${result.steps.length} steps in ${result.seconds.toFixed(1)} s.`)
    }
    const json: DemoJson = {
      ...result,
      ledger: {
        rows: result.ledger.rows.map((r) => ({ label: r.label, amount: r.amount.toString(), indent: r.indent })),
        checks: result.ledger.checks.map((c) => ({ equation: c.equation, left: c.left.toString(), right: c.right.toString(), holds: c.holds })),
        dust: result.ledger.dust.toString(),
        dustBounded: result.ledger.dustBounded,
        balanced: result.ledger.balanced,
      },
      kept: result.kept && { rpcUrl: result.kept.rpcUrl, nodeUrl: result.kept.nodeUrl, gateway: result.kept.gateway, passwordFile: result.kept.passwordFile },
    }
    if (result.kept) {
      if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(this.toSuccessJson({ ...json, ready: true }))}\n`)
      else this.log(keepInstructions(root, result))
      await whenAborted(interrupt.signal)
      await result.kept.stop()
      if (fresh) await rm(root, { recursive: true, force: true })
      if (!this.jsonEnabled()) this.log('Stopped the chain, the IPFS daemon and the node.')
    } else {
      if (fresh) await rm(root, { recursive: true, force: true })
      if (!this.jsonEnabled()) for (const line of demoNextSteps(this.config.bin)) this.log(line)
    }
    if (!result.ledger.balanced) this.exit(1)
    return json
  }
}

/** What to try after the demo: keep it running to vote in the TUI, or start a chain of your own. */
export function demoNextSteps(bin: string): string[] {
  return [
    '',
    'Next:',
    `  ${bin} demo --keep            keep this world running and vote on its proposals in the terminal UI`,
    `  ${bin} chain up               a local chain of your own; then publish, serve and pay as the README's quick start shows`,
    `  ${bin} verify --explain       how a cheating node is caught, and what a dispute costs`,
  ]
}

function stepLine(step: DemoStep): string {
  const proof = step.transactions.length ? ` · ${step.transactions.length} tx, last ${step.transactions.at(-1)!.slice(0, 12)}…` : ''
  return `✓ ${String(step.step).padStart(2)}. ${step.line} (${step.seconds.toFixed(1)}s${proof})`
}

function keepInstructions(root: string, result: RunDemoReturnType): string {
  const kept = result.kept!
  const env = `MODELDAO_HOME=${root} MODELDAO_PASSWORD="$(cat ${kept.passwordFile})"`
  return `
Still running until Ctrl-C: the chain at ${kept.rpcUrl}, the serving node at ${kept.nodeUrl}${kept.gateway ? `, an IPFS gateway at ${kept.gateway}` : ''}.
In another terminal (every keystore has the password in ${kept.passwordFile}):
  ${env} modeldao vote --account investor-a          vote in the TUI as investor A
  ${env} modeldao portfolio --account investor-b     investor B's shares and fees
  ${env} modeldao node list --model ${result.modelId}                 the nodes and their records
  ${env} modeldao chat "Hello" --node ${kept.nodeUrl} --account client
                                                     chat with the node as the client, paying through its channel
  curl -s ${kept.nodeUrl}/v1/models                  the node (paid requests answer 402 with x402 terms)
From code: new OpenAI({ baseURL: '${kept.nodeUrl}/v1', fetch: createPayingFetch({ account, channelFor }) })`
}
