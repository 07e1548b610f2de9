import { readFile } from 'node:fs/promises'
import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags, toModeldaoError } from '../../cli/baseCommand.js'
import { openChannel } from '../../core/actions/channel/openChannel.js'
import { parseTokenAmount } from '../../core/shares/market.js'
import { parseChannelId } from '../../core/units/ids.js'
import { listNodes } from '../../core/actions/node/listNodes.js'
import { spotCheck, type SpotCheckReturnType } from '../../core/actions/verify/spotCheck.js'
import { ModeldaoError } from '../../core/errors/base.js'

/** Prompts like a client's: varied, short, nothing that marks them as probes. */
const DEFAULT_PROMPTS = ['Write a short note to a friend about the weekend.', 'What is a good name for a cat?', 'Explain rain to a child.', 'List three fruits.', 'Summarize: the meeting moved to Tuesday.', 'Translate "good morning" into French.', 'Give me a title for a story about the sea.', 'How do I boil an egg?']

async function readPrompts(path: string): Promise<string[]> {
  let prompts: unknown
  try {
    prompts = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new ModeldaoError('USAGE', `--prompts-file ${path} is not readable JSON: ${(error as Error).message.split('\n')[0]}`)
  }
  if (!Array.isArray(prompts) || !prompts.length || !prompts.every((p) => typeof p === 'string' && p.trim())) throw new ModeldaoError('USAGE', `--prompts-file ${path} must hold a JSON array of non-empty strings.`)
  return prompts as string[]
}

export default class ValidatorRun extends BaseCommand<typeof ValidatorRun> {
  static override summary = "Spot-check a model's nodes: paid probe requests, each receipt replayed against the registered weights; challenge a cheat."
  static override description =
    'For each node registered for the model (or --node), opens a channel to its operator, sends --probes paid greedy requests at random times, replays each receipt on the verification profile and, with --challenge, files a challenge with the first mismatching signed receipt.'
  static override examples = ['<%= config.bin %> <%= command.id %> --model 1 --probes 4 --dev-account 3', '<%= config.bin %> <%= command.id %> --model 1 --challenge --jitter 2000 --json']
  static override flags = {
    ...signerFlags,
    model: Flags.string({ summary: 'Model id.', required: true }),
    node: Flags.string({ summary: "One node's URL (default: every node registered for the model)." }),
    channel: Flags.string({ summary: "An open channel to the node's operator (default: open one with --deposit)." }),
    deposit: Flags.string({ summary: 'Deposited into each new channel, in payment-token units (as `chat` and `channel open` take).', default: '1' }),
    probes: Flags.integer({ summary: 'Probe requests per node.', default: 4, min: 1 }),
    'max-tokens': Flags.integer({ summary: 'Output tokens per probe.', default: 32, min: 1 }),
    'replay-fraction': Flags.string({ summary: 'Fraction of probes replayed.', default: '1' }),
    jitter: Flags.integer({ summary: 'Random wait before each probe, up to this many ms.', default: 0, min: 0 }),
    'prompts-file': Flags.string({ summary: 'JSON array of prompts to probe with (default: built-in client-like prompts).' }),
    challenge: Flags.boolean({ summary: 'File a challenge (bond) on the first mismatch.', default: false }),
    weights: Flags.string({ summary: 'A local copy of the registered weights instead of fetching them.' }),
  }

  async run(): Promise<{ modelId: string; nodes: ((SpotCheckReturnType & { url: string }) | { url: string; operator?: string | undefined; error: ReturnType<ModeldaoError['toJSON']> })[] }> {
    const { flags } = this
    const prompts = flags['prompts-file'] ? await readPrompts(flags['prompts-file']) : DEFAULT_PROMPTS
    const fraction = Number(flags['replay-fraction'])
    if (!(fraction > 0 && fraction <= 1)) throw new ModeldaoError('USAGE', `--replay-fraction must be in (0, 1], got "${flags['replay-fraction']}".`)
    const deposit = parseTokenAmount(flags.deposit, (await this.paymentToken()).decimals, '--deposit')
    if (flags.channel && !flags.node) throw new ModeldaoError('USAGE', '--channel pays one operator: name its node with --node.', { hints: ['Without --node, a channel is opened to each registered operator.'] })
    const targets = flags.node
      ? [{ url: flags.node, operator: undefined as `0x${string}` | undefined }]
      : (await listNodes(this.ctx, { modelId: flags.model })).nodes.map((n) => ({ url: n.endpoint, operator: n.operator as `0x${string}` | undefined }))
    if (!targets.length) this.log(`No node serves model ${flags.model}.`)
    const nodes: Awaited<ReturnType<ValidatorRun['run']>>['nodes'] = []
    for (const target of targets) {
      try {
        nodes.push(await this.check(target, prompts, fraction, deposit))
      } catch (error) {
        // One node down or refusing must not stop the checks of the others.
        const known = toModeldaoError(error)
        this.progressDone('failed')
        this.note(`${target.url}: ${known.shortMessage}`)
        nodes.push({ url: target.url, operator: target.operator, error: known.toJSON() })
      }
    }
    return { modelId: flags.model, nodes }
  }

  private async check(target: { url: string; operator: `0x${string}` | undefined }, prompts: readonly string[], fraction: number, deposit: bigint): Promise<SpotCheckReturnType & { url: string }> {
    const { flags } = this
    let channelId = flags.channel === undefined ? undefined : parseChannelId(flags.channel, '--channel')
    if (!channelId) {
      if (!target.operator) throw new ModeldaoError('USAGE', 'With --node, name your channel to its operator (--channel).')
      channelId = (await openChannel(this.ctx, { operator: target.operator, amount: deposit })).channelId
      this.log(`Opened channel ${channelId} to ${target.operator} to pay the probes (\`modeldao channel withdraw\` takes back what is left).`)
    }
    const chosen = Array.from({ length: flags.probes }, (_, i) => prompts[(i + Math.floor(Math.random() * prompts.length)) % prompts.length]!)
    const result = await spotCheck(this.ctx, {
      url: target.url,
      modelId: flags.model,
      channelId,
      prompts: chosen,
      maxTokens: flags['max-tokens'],
      replayFraction: fraction,
      jitterMs: flags.jitter,
      challenge: flags.challenge,
      weights: flags.weights,
      onProbe: (p) => this.progress(`${target.url}: probe ${p.receiptId} ${p.verdict ?? 'not replayed'}`),
    })
    this.progressDone()
    const unverifiable = result.probes.filter((p) => p.verdict === 'unverifiable').length
    this.log(`${target.url} (${result.operator}): ${result.probes.length} probes, ${result.probes.filter((p) => p.replayed).length} replayed, ${result.mismatches} mismatched${unverifiable ? `, ${unverifiable} unverifiable` : ''}${result.challenge ? `; challenge ${result.challenge.challengeId} filed` : ''}`)
    return { ...result, url: target.url }
  }
}
