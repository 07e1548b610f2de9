import { Args, Flags } from '@oclif/core'
import { text as readStdin } from 'node:stream/consumers'
import { BaseCommand, signerFlags } from '../cli/baseCommand.js'
import { chat, type ChatMessage, type ChatReturnType } from '../core/actions/client/chat.js'
import { ModeldaoError } from '../core/errors/base.js'
import { atomicWriteFile } from '../core/home/atomicWrite.js'
import { parseTokenAmount } from '../core/shares/market.js'
import { parseChannelId } from '../core/units/ids.js'

export default class Chat extends BaseCommand<typeof Chat> {
  static override summary = 'Ask a serving node a question and pay for the answer over x402 (channel vouchers or one exact payment).'
  static override description = `Streams the answer to stdout as it is generated; what it cost, how it was paid and the receipt id go to stderr (or all of it to --json).

Paying: --deposit funds a payment channel to the node's operator (opening one the first time, recorded in the home so later chats reuse it); each request then costs one signed voucher and no transaction. Without a channel it pays per request with an exact (EIP-3009) authorization the node settles on chain. --max-cost refuses a node whose price ceiling is higher.

Every paid answer comes with the operator's signed receipt, and chat checks it against what it sent and received (the request, the text, the token counts, the cost by the quoted terms, the signature over this payment). A node that withholds the receipt or sends one that does not fit is paid no more from this home: chat exits non-zero and keeps the evidence under <home>/client/faults/.

--receipt keeps the node's signed receipt with the exchange: \`modeldao verify receipt <file>\` replays it, \`modeldao verify challenge <file>\` disputes it.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> "What is a GGUF file?" --node http://127.0.0.1:8000 --deposit 5',
    '<%= config.bin %> <%= command.id %> "And who owns this model?" --node http://127.0.0.1:8000',
    'echo "Summarise: …" | <%= config.bin %> <%= command.id %> - --node http://127.0.0.1:8000 --max-tokens 200 --max-cost 0.05',
    '<%= config.bin %> <%= command.id %> "Hello" --node http://127.0.0.1:8000 --pay exact --json',
    '<%= config.bin %> <%= command.id %> "Hello" --node http://127.0.0.1:8000 --temperature 0 --receipt answer.receipt.json',
  ]
  static override args = { prompt: Args.string({ description: 'What to ask; "-" (or nothing, with input piped) reads it from stdin.' }) }
  static override flags = {
    ...signerFlags,
    node: Flags.string({ summary: "The serving node's URL (`modeldao node list --model <id>` shows them).", required: true }),
    model: Flags.string({ summary: "Model id to ask for (default: the node's model)." }),
    system: Flags.string({ summary: 'A system message before the prompt.' }),
    'max-tokens': Flags.integer({ summary: "Most tokens to generate (default: the node's limit; the price ceiling grows with it).", min: 1 }),
    temperature: Flags.string({ summary: 'Sampling temperature; 0 is greedy (replayable exactly).' }),
    seed: Flags.integer({ summary: 'Sampling seed (the receipt records it either way).', min: 0 }),
    pay: Flags.option({ summary: 'channel: vouchers; exact: one on-chain payment per request; auto: channel when one is known or funded.', options: ['auto', 'channel', 'exact'] as const, default: 'auto' as const })(),
    deposit: Flags.string({ summary: "Add this much to your channel to the node's operator first (opens one when there is none)." }),
    channel: Flags.string({ summary: 'Pay through this channel id instead of the recorded one.' }),
    'new-channel': Flags.boolean({ summary: 'Open a new channel (with --deposit) even when one is recorded.', dependsOn: ['deposit'] }),
    'max-cost': Flags.string({ summary: 'Refuse if the node asks more than this for one request, in payment-token units.', default: '1' }),
    receipt: Flags.string({ summary: "Write the node's signed receipt to this file (for `verify receipt` / `verify challenge`)." }),
    audit: Flags.string({ summary: 'Audit this fraction of your paid answers (0 to 1): replay with --audit-weights, or hand them to --auditor.' }),
    'audit-weights': Flags.string({ summary: 'A local copy of the registered weights to replay audits with.', dependsOn: ['audit'] }),
    auditor: Flags.string({ summary: "A validator's audit endpoint (`modeldao validator serve`) to hand audited receipts to.", dependsOn: ['audit'] }),
    'allow-faulted': Flags.boolean({ summary: 'Pay an operator this home recorded a withheld or invalid receipt against.', default: false }),
  }

  async run(): Promise<ChatReturnType> {
    const { flags } = this
    const prompt = await this.prompt()
    if (flags.pay === 'exact' && (flags.deposit !== undefined || flags.channel !== undefined || flags['new-channel'])) {
      throw new ModeldaoError('USAGE', '--pay exact pays each request on its own: --deposit, --channel and --new-channel are for channel payments.', { hints: ['Drop --pay exact to pay through a channel, or drop the channel flags.'] })
    }
    const channelId = flags.channel === undefined ? undefined : parseChannelId(flags.channel, '--channel')
    const temperature = flags.temperature === undefined ? undefined : Number(flags.temperature)
    if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)) throw new ModeldaoError('USAGE', `--temperature "${flags.temperature}" is not a temperature between 0 and 2.`)
    const token = await this.paymentToken()
    const deposit = flags.deposit === undefined ? undefined : parseTokenAmount(flags.deposit, token.decimals, '--deposit')
    const maxCost = parseTokenAmount(flags['max-cost'], token.decimals, '--max-cost')
    const auditRate = flags.audit === undefined ? undefined : Number(flags.audit)
    if (auditRate !== undefined && !(auditRate > 0 && auditRate <= 1)) throw new ModeldaoError('USAGE', `--audit must be a fraction in (0, 1], got "${flags.audit}".`, { hints: ['--audit 0.05 audits one answer in twenty.'] })
    const messages: ChatMessage[] = [...(flags.system ? [{ role: 'system' as const, content: flags.system }] : []), { role: 'user', content: prompt }]

    const streaming = !this.jsonEnabled()
    const result = await chat(this.ctx, {
      url: flags.node,
      model: flags.model,
      messages,
      maxTokens: flags['max-tokens'],
      temperature,
      seed: flags.seed,
      pay: flags.pay,
      channelId,
      deposit,
      newChannel: flags['new-channel'],
      maxCost,
      allowFaulted: flags['allow-faulted'],
      audit: auditRate === undefined ? undefined : { rate: auditRate, weights: flags['audit-weights'], auditor: flags.auditor },
      onWarning: (message) => this.note(message),
      onChannel: (event) => this.progress(`${event.stage === 'opening' ? 'opening a payment channel' : 'adding to the payment channel'} to operator ${event.operator} with ${event.amount}`),
      onText: (delta) => {
        this.progressDone()
        if (streaming) process.stdout.write(delta)
      },
    })
    this.progressDone()
    if (flags.receipt) {
      // A node that serves for free signs nothing: say so rather than claim a file was written.
      if (!result.signedReceipt) throw new ModeldaoError('NO_RECEIPT', `The node at ${flags.node} answered without payment, so it signed no receipt; nothing was written to ${flags.receipt}.`, { hints: ['Receipts come with paid answers: ask a paid node (`modeldao node list --model <id>`).'] })
      await atomicWriteFile(flags.receipt, `${JSON.stringify(result.signedReceipt, null, 2)}\n`)
    }
    if (streaming) {
      if (!result.text.endsWith('\n')) process.stdout.write('\n')
      const paid = result.payment.scheme === 'channel' ? `channel ${result.payment.channelId}${result.payment.channelOpened ? ' (opened now)' : ''}` : `an exact payment (the node's fixed price per request)${result.payment.settlement ? ` settled in ${result.payment.settlement}` : ''}`
      process.stderr.write(`— ${result.usage.completionTokens} tokens, ${result.costText} paid through ${paid}; receipt ${result.receipt?.id ?? 'none'}${flags.receipt ? ` written to ${flags.receipt}` : ''}\n`)
      if (result.audit) process.stderr.write(`— audited (${result.audit.by === 'local' ? 'replayed here' : 'by the validator'}): ${result.audit.verdict === 'match' ? 'match' : `MISMATCH (${result.audit.reasons.join(', ')})`}\n`)
    }
    if (result.audit?.verdict === 'mismatch') {
      throw new ModeldaoError('AUDIT_MISMATCH', `The audit of this answer's receipt found a mismatch (${result.audit.reasons.join(', ')}): the node did not serve the registered weights.`, {
        details: result.audit.evidenceFile ? `The evidence is kept in ${result.audit.evidenceFile}; nothing more is signed to that operator.` : undefined,
        hints: ['`modeldao verify challenge <receipt file>` disputes it (write the file with --receipt).'],
      })
    }
    return result
  }

  /** The prompt argument, or stdin for "-" (or no argument with input piped). */
  private async prompt(): Promise<string> {
    const given = this.args.prompt
    if (given !== undefined && given !== '-') return given
    if (given === undefined && process.stdin.isTTY) throw new ModeldaoError('USAGE', 'No prompt: give it as an argument, or pipe it in with "-".', { hints: ['modeldao chat "What is a GGUF file?" --node <url>'] })
    const text = (await readStdin(process.stdin)).trim()
    if (!text) throw new ModeldaoError('USAGE', 'The prompt read from stdin is empty.')
    return text
  }
}
