import { readFile } from 'node:fs/promises'
import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { createModeldao } from '../../core/context/context.js'
import { parseTokenAmount } from '../../core/shares/market.js'
import type { SpotCheckReturnType } from '../../core/actions/verify/spotCheck.js'
import { spotCheckModel, type SpotCheckedNode } from '../../core/actions/verify/spotCheckModel.js'
import { ModeldaoError } from '../../core/errors/base.js'

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
  static override summary = "Spot-check a model's nodes with requests no node can tell from a client's; replay each receipt against the registered weights; challenge a cheat."
  static override description = `For each node registered for the model (or --node), sends --probes paid requests through the client's own code (\`chat\`): streamed chat completions with client-like prompts, temperatures and lengths, both payment schemes, at random times. Each receipt comes with its answer and is checked as a client checks it (request, text, token counts, cost, signature), then against the registered weights (prompt tokenization, output text) and replayed on the verification profile. A paid answer without its receipt is recorded as a fault.

Probes are paid by the probe wallet (--probe-account / --probe-dev-account) when one is given, kept apart from the validator's registered identity; channels are opened once (--deposit) and reused across runs like a client's. What stays visible on chain: the probe wallet's funding and channel openings. Fund it from an address not linked to the validator.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --model 1 --probes 4 --dev-account 3 --probe-dev-account 7',
    '<%= config.bin %> <%= command.id %> --model 1 --challenge --probe-account probes --json',
  ]
  static override flags = {
    ...signerFlags,
    model: Flags.string({ summary: 'Model id.', required: true }),
    node: Flags.string({ summary: "One node's URL (default: every node registered for the model)." }),
    'probe-account': Flags.string({ summary: 'Keystore that pays the probes (default: the validator account, which a node can link to you).', exclusive: ['probe-dev-account'] }),
    'probe-dev-account': Flags.integer({ summary: 'anvil dev account that pays the probes (local chains only).', min: 0, exclusive: ['probe-account'] }),
    deposit: Flags.string({ summary: 'Deposited into a new channel when the probe wallet has none to an operator, in payment-token units (default: a round amount of 1 to 20 drawn like clients\' deposits, at most half the probe wallet\'s balance).' }),
    probes: Flags.integer({ summary: 'Probe requests per node.', default: 4, min: 1 }),
    'max-tokens': Flags.integer({ summary: 'Longest answer a probe asks for (client-like lengths are drawn up to it).', default: 256, min: 1 }),
    'replay-fraction': Flags.string({ summary: 'Fraction of probes replayed.', default: '1' }),
    jitter: Flags.integer({ summary: 'Random wait before each probe, up to this many ms.', default: 2000, min: 0 }),
    'prompts-file': Flags.string({ summary: 'JSON array of prompts to draw from (default: the shipped corpus of 820 client-like requests).' }),
    challenge: Flags.boolean({ summary: 'File a challenge (bond) on the first mismatch.', default: false }),
    weights: Flags.string({ summary: 'A local copy of the registered weights instead of fetching them.' }),
  }

  async run(): Promise<{ modelId: string; nodes: ((SpotCheckReturnType & { url: string }) | { url: string; operator?: string | undefined; error: ReturnType<ModeldaoError['toJSON']> })[] }> {
    const { flags } = this
    const prompts = flags['prompts-file'] ? await readPrompts(flags['prompts-file']) : undefined
    const fraction = Number(flags['replay-fraction'])
    if (!(fraction > 0 && fraction <= 1)) throw new ModeldaoError('USAGE', `--replay-fraction must be in (0, 1], got "${flags['replay-fraction']}".`)
    const deposit = flags.deposit === undefined ? undefined : parseTokenAmount(flags.deposit, (await this.paymentToken()).decimals, '--deposit')
    const probeWallet = flags['probe-account'] !== undefined || flags['probe-dev-account'] !== undefined
    if (!probeWallet) this.note('Probes are paid by the validator account itself: a node can link them to you. Pass --probe-account (or --probe-dev-account) for a separate probe wallet.')
    const payer = probeWallet ? createModeldao({ ...this.ctx.options, account: flags['probe-account'], devAccount: flags['probe-dev-account'], privateKey: undefined }) : undefined
    let result: Awaited<ReturnType<typeof spotCheckModel>>
    // Each node is reported as soon as its checks end.
    const reported: ReturnType<ValidatorRun['report']>[] = []
    try {
      let current = ''
      result = await spotCheckModel(this.ctx, {
        modelId: flags.model,
        node: flags.node,
        payer,
        probes: flags.probes,
        prompts,
        maxTokens: flags['max-tokens'],
        deposit,
        replayFraction: fraction,
        jitterMs: flags.jitter,
        challenge: flags.challenge,
        weights: flags.weights,
        onNode: ({ url }) => (current = url),
        onNodeDone: (node) => reported.push(this.report(node)),
        onProbe: (p) => this.progress(`${current}: probe ${p.receiptId || '(no receipt)'} ${p.verdict ?? 'not replayed'}`),
      })
    } finally {
      await payer?.dispose()
    }
    if (!result.nodes.length) this.log(`No node serves model ${flags.model}.`)
    return { modelId: result.modelId, nodes: reported }
  }

  /** One node's line (and its evidence files), or its error. */
  private report(node: SpotCheckedNode) {
    if ('error' in node) {
      this.progressDone('failed')
      this.note(`${node.url}: ${node.error.shortMessage}`)
      return { url: node.url, operator: node.operator, error: node.error.toJSON() }
    }
    this.progressDone()
    const count = (verdict: string) => node.probes.filter((p) => p.verdict === verdict).length
    const extra = [count('withheld') ? `${count('withheld')} WITHHELD the receipt` : '', count('unverifiable') ? `${count('unverifiable')} unverifiable` : ''].filter(Boolean)
    this.log(`${node.url} (${node.operator}): ${node.probes.length} probes, ${node.probes.filter((p) => p.replayed).length} replayed, ${node.mismatches} mismatched${extra.length ? `, ${extra.join(', ')}` : ''}${node.challenge ? `; challenge ${node.challenge.challengeId} filed` : ''}`)
    for (const p of node.probes) if (p.evidenceFile) this.note(`${node.url}: evidence kept in ${p.evidenceFile}`)
    return node
  }
}
