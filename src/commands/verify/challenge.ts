import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags, toModeldaoError } from '../../cli/baseCommand.js'
import { confirm } from '../../cli/confirm.js'
import { readJsonFile } from '../../cli/receiptFiles.js'
import { fileChallenge, type FileChallengeReturnType } from '../../core/actions/verify/fileChallenge.js'
import { verifyReceipt, type VerifyReceiptReturnType } from '../../core/actions/verify/verifyReceipt.js'
import { ModeldaoError } from '../../core/errors/base.js'
import { ReceiptMalformedError } from '../../core/receipts/errors.js'
import type { SignedReceipt } from '../../core/receipts/signedReceipt.js'
import { formatToken, readToken } from '../../core/shares/market.js'

export default class VerifyChallenge extends BaseCommand<typeof VerifyChallenge> {
  static override summary = 'Challenge a node over a signed receipt that fails replay: post the bond; validators vote, a proven cheat is slashed.'
  static override description = `The file holds {draft, operator, signature, cost, voucher} and, from \`chat --receipt\`, the exchange: the receipt as the node sent it, the operator's signature, the cost and the voucher that paid it. The contract refuses a forged or altered receipt.

The receipt is replayed against the registered weights first (as \`verify receipt\` does): a receipt that replays as a match would lose the bond, so it is not filed. --force files anyway (after a confirmation, or --yes), e.g. when the weights cannot be fetched here.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> signed-receipt.json --evidence bafkrei… --dev-account 3',
    '<%= config.bin %> <%= command.id %> signed-receipt.json --weights ./weights --yes --json',
  ]
  static override args = { file: Args.string({ description: 'The signed receipt (JSON).', required: true }) }
  static override flags = {
    ...signerFlags,
    evidence: Flags.string({ summary: 'Where validators find the full receipt (e.g. an IPFS CID).' }),
    weights: Flags.string({ summary: 'A local copy of the registered weights for the replay (checked against the manifest).' }),
    force: Flags.boolean({ summary: 'File even when the replay says match or cannot run (asks first, unless --yes).', default: false }),
    yes: Flags.boolean({ char: 'y', summary: 'Post the bond without asking.', default: false }),
  }

  async run(): Promise<FileChallengeReturnType & { replay: Pick<VerifyReceiptReturnType, 'verdict' | 'reasons'> | { verdict: 'not replayed'; reasons: string[] } }> {
    const { flags } = this
    const evidence = (await readJsonFile(this.args.file, 'The signed receipt')) as SignedReceipt
    if (!evidence.draft || !evidence.signature || !evidence.voucher || !evidence.operator || evidence.cost === undefined) {
      throw new ReceiptMalformedError('a signed receipt needs draft, operator, signature, cost and voucher')
    }
    // Replay first: filing on an honest receipt costs the bond and freezes an honest operator's stake.
    let replay: Awaited<ReturnType<VerifyChallenge['run']>>['replay']
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
}
