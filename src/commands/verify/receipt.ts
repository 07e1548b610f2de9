import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { verifyReceipt, type VerifyReceiptReturnType } from '../../core/actions/verify/verifyReceipt.js'
import type { Exchange } from '../../core/receipts/check.js'
import type { ReceiptDraft } from '../../core/receipts/draft.js'
import { readJsonFile } from '../../cli/receiptFiles.js'

export default class VerifyReceipt extends BaseCommand<typeof VerifyReceipt> {
  static override summary = "Replay a serving node's receipt against the model's registered weights: did it serve what it claims?"
  static override description =
    'Fetches the weights named by the model\'s on-chain manifest (verified by CID and sha256), feeds prompt + served tokens through them in one pass and scores every served token: greedy receipts must pick the reference\'s top token; sampled ones are redrawn with their seed and tested statistically; the node\'s claimed log-probabilities and logit gaps must match too. Prints the verdict, the first diverging position and the errors.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> receipt.json',
    'curl -s localhost:8000/v1/receipts/<id> > receipt.json && <%= config.bin %> <%= command.id %> receipt.json --json',
    '<%= config.bin %> <%= command.id %> receipt.json --prompt-tokens prompt.json --weights ./weights',
  ]
  static override args = { file: Args.string({ description: "The receipt (JSON, as the node's GET /v1/receipts/<id> returns it, or a signed receipt from `chat --receipt`).", required: true }) }
  static override flags = {
    'prompt-tokens': Flags.string({ summary: "JSON array of the prompt's token ids, when the receipt does not carry them." }),
    weights: Flags.string({ summary: 'A local copy of the registered weights (checked against the manifest) instead of fetching.' }),
  }

  async run(): Promise<VerifyReceiptReturnType> {
    // A bare receipt, or a signed one (`chat --receipt`, a spot check's evidence) that carries it as `draft`.
    const read = (await readJsonFile(this.args.file, 'The receipt')) as ReceiptDraft | { draft: ReceiptDraft; exchange?: Exchange }
    const receipt = typeof read === 'object' && read !== null && 'draft' in read ? read.draft : read
    // A signed receipt from `chat --receipt` keeps what was sent and received: the receipt must be that exchange's.
    const exchange = typeof read === 'object' && read !== null && 'draft' in read ? read.exchange : undefined
    const promptTokens = this.flags['prompt-tokens'] ? ((await readJsonFile(this.flags['prompt-tokens'], 'The prompt tokens')) as number[]) : undefined
    const stages = { weights: 'fetching and checking the registered weights', loading: 'loading them', replaying: 'replaying the receipt' }
    const result = await verifyReceipt(this.ctx, { receipt, exchange, promptTokens, weights: this.flags.weights, onProgress: (e) => this.progress(stages[e.stage]) })
    this.progressDone()
    const r = result.replay
    this.log(`${result.verdict === 'match' ? 'MATCH' : 'MISMATCH'}: receipt of model ${result.modelId ?? '?'} (${r?.profile ?? '?'} profile)`)
    const v = result.version
    const when = (t: number | undefined) => (t === undefined ? '?' : new Date(t * 1000).toISOString())
    this.log(v.canonicalNow ? `  judged against the canonical version ${v.judged}` : `  judged against version ${v.judged}, which the receipt names: canonical from ${when(v.canonicalFrom)} until ${when(v.supersededAt)} (now ${v.canonical})`)
    if (result.reasons.includes('weights')) this.log(`  the node names weights ${result.weights.claimed}, the model's registered ones are ${result.weights.registered}`)
    if (r?.firstDivergence) this.log(`  first divergence at output token ${r.firstDivergence.position}: served ${r.firstDivergence.served}, the weights pick ${r.firstDivergence.expected} (logit gap ${r.firstDivergence.gap.toFixed(4)})`)
    if (r) this.log(`  max |claimed − replayed| log p ${r.maxLogprobError.toExponential(2)}, logit gap ${r.maxGapError.toExponential(2)} (tolerance ${r.tolerance}); replay ${r.replayMs.toFixed(0)} ms`)
    if (r?.reasons.includes('claims')) this.log('  the log-probabilities or logit gaps the node claimed are not what these weights give')
    if (r?.reasons.includes('stop')) this.log('  the answer ends where these weights would have gone on')
    for (const fault of result.faults ?? []) this.log(`  ${fault.reason}: ${fault.detail}`)
    if (!exchange) this.log('  (no exchange in the file: whether this receipt is the one of the request sent and the text received was not checked)')
    return result
  }
}
