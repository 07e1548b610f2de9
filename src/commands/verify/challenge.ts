import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags, toModeldaoError } from '../../cli/baseCommand.js'
import { confirm } from '../../cli/confirm.js'
import { readJsonFile } from '../../cli/receiptFiles.js'
import { fileChallenge, type FileChallengeReturnType } from '../../core/actions/verify/fileChallenge.js'
import { fileNonDelivery, type FileNonDeliveryReturnType } from '../../core/actions/verify/fileNonDelivery.js'
import type { FaultEvidence } from '../../core/client/faults.js'
import { verifyReceipt, type VerifyReceiptReturnType } from '../../core/actions/verify/verifyReceipt.js'
import { ModeldaoError } from '../../core/errors/base.js'
import { ReceiptMalformedError } from '../../core/receipts/errors.js'
import type { SignedReceipt } from '../../core/receipts/signedReceipt.js'
import { formatToken, readToken } from '../../core/shares/market.js'

/** What the replay before filing said. */
type ReplayVerdict = Pick<VerifyReceiptReturnType, 'verdict' | 'reasons'> | { verdict: 'not replayed'; reasons: string[] }

export default class VerifyChallenge extends BaseCommand<typeof VerifyChallenge> {
  static override summary = 'Challenge a node over a signed receipt that fails replay, or over a paid answer that came without its receipt.'
  static override description = `The file holds {draft, operator, signature, cost, voucher} and, from \`chat --receipt\`, the exchange: the receipt as the node sent it, the operator's signature, the cost and the voucher that paid it. The contract refuses a forged or altered receipt.

The receipt is replayed against the registered weights first (as \`verify receipt\` does): a receipt that replays as a match would lose the bond, so it is not filed. --force files anyway (after a confirmation, or --yes), e.g. when the weights cannot be fetched here.

Given the evidence \`chat\` kept when a paid answer came without its receipt (\`<home>/client/faults/…-withheld.json\`), it files a non-delivery challenge instead: the voucher you signed proves the payment, the operator must deliver the receipt bound to it within the answer window (its node does so by itself when it has one), or \`validator resolve\` slashes it after the window, with no vote.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> signed-receipt.json --evidence bafkrei… --dev-account 3',
    '<%= config.bin %> <%= command.id %> signed-receipt.json --weights ./weights --yes --json',
    '<%= config.bin %> <%= command.id %> ~/.modeldao/client/faults/0xabc…-withheld.json --yes',
  ]
  static override args = { file: Args.string({ description: 'The signed receipt (JSON).', required: true }) }
  static override flags = {
    ...signerFlags,
    evidence: Flags.string({ summary: 'Where validators find the full receipt (e.g. an IPFS CID).' }),
    weights: Flags.string({ summary: 'A local copy of the registered weights for the replay (checked against the manifest).' }),
    force: Flags.boolean({ summary: 'File even when the replay says match or cannot run (asks first, unless --yes).', default: false }),
    yes: Flags.boolean({ char: 'y', summary: 'Post the bond without asking.', default: false }),
  }

  async run(): Promise<(FileChallengeReturnType & { replay: ReplayVerdict }) | (FileNonDeliveryReturnType & { kind: 'non-delivery' })> {
    const { flags } = this
    const file = (await readJsonFile(this.args.file, 'The signed receipt')) as SignedReceipt | FaultEvidence
    // What `chat` kept when a paid answer came without its receipt: nothing to replay, the voucher proves the payment.
    if ('kind' in file && file.kind === 'withheld') return this.nonDelivery(file)
    const evidence = file as SignedReceipt
    if (!evidence.draft || !evidence.signature || !evidence.voucher || !evidence.operator || evidence.cost === undefined) {
      throw new ReceiptMalformedError('a signed receipt needs draft, operator, signature, cost and voucher')
    }
    // Replay first: filing on an honest receipt costs the bond and freezes an honest operator's stake.
    let replay: ReplayVerdict
    try {
      const verified = await verifyReceipt(this.ctx, { receipt: evidence.draft, exchange: evidence.exchange, weights: flags.weights, onProgress: (e) => this.progress(`replay first: ${e.stage}`) })
      this.progressDone()
      replay = { verdict: verified.verdict, reasons: verified.reasons }
    } catch (error) {
      this.progressDone('failed')
      const cause = toModeldaoError(error)
      if (!flags.force) throw new ModeldaoError('CHALLENGE_UNREPLAYED', `The receipt could not be replayed before filing: ${cause.shortMessage}`, { hints: ['Give the registered weights with --weights, or file anyway with --force (the bond is lost if validators find the receipt honest).'], cause })
      replay = { verdict: 'not replayed', reasons: [cause.shortMessage] }
    }
    if (replay.verdict === 'match' && !flags.force) {
      throw new ModeldaoError('CHALLENGE_REPLAYS_MATCH', 'The receipt replays as a MATCH against the registered weights: a challenge would be rejected and the bond lost; nothing was filed.', {
        hints: ['`modeldao verify receipt <file>` shows the replay. File anyway with --force only if you know better.'],
      })
    }
    const [connection, challenges, deployments] = await Promise.all([this.ctx.chain(), this.ctx.contract('ReceiptChallenges'), this.ctx.deployments()])
    const token = await readToken(connection, deployments.paymentToken)
    const bond = await connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'challengeBond' })
    const verdict = replay.verdict === 'mismatch' ? `replays as a MISMATCH (${replay.reasons.join(', ')})` : replay.verdict === 'match' ? 'replays as a MATCH' : 'was not replayed'
    if (replay.verdict !== 'mismatch' || !flags.yes) {
      if (!(await confirm(`The receipt ${verdict}. Post a ${formatToken(bond, token)} bond to challenge operator ${evidence.operator}?`, flags.yes, { json: this.jsonEnabled() }))) {
        throw new ModeldaoError('CANCELLED', 'Nothing was filed.')
      }
    }
    const result = await fileChallenge(this.ctx, { evidence, evidenceRef: flags.evidence, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Challenge ${result.challengeId} filed against ${result.operator} on model ${result.modelId} (bond ${formatToken(BigInt(result.bond), token)}; transaction ${result.transactionHash}); the receipt ${verdict}.`)
    this.log('Validators vote once the answer window has passed: `modeldao validator vote <challengeId> cheat|honest`.')
    return { ...result, replay }
  }

  private async nonDelivery(evidence: FaultEvidence): Promise<FileNonDeliveryReturnType & { kind: 'non-delivery' }> {
    const { flags } = this
    const [connection, challenges, deployments] = await Promise.all([this.ctx.chain(), this.ctx.contract('ReceiptChallenges'), this.ctx.deployments()])
    const token = await readToken(connection, deployments.paymentToken)
    const bond = await connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'challengeBond' })
    if (!(await confirm(`A paid answer from ${evidence.node} came without its receipt. Post a ${formatToken(bond, token)} bond to make operator ${evidence.operator} deliver it (or be slashed)?`, flags.yes, { json: this.jsonEnabled() }))) {
      throw new ModeldaoError('CANCELLED', 'Nothing was filed.')
    }
    const result = await fileNonDelivery(this.ctx, { evidence, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Non-delivery challenge ${result.challengeId} filed against ${result.operator} on model ${result.modelId} (bond ${formatToken(BigInt(result.bond), token)}; transaction ${result.transactionHash}).`)
    this.log(`The operator must deliver the receipt by ${new Date(Number(result.deadline) * 1000).toISOString()}; after that, \`modeldao validator resolve ${result.challengeId}\` slashes it (no vote).`)
    return { ...result, kind: 'non-delivery' }
  }
}
