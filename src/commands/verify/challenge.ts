import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { readJsonFile } from '../../cli/receiptFiles.js'
import { fileChallenge, type FileChallengeReturnType } from '../../core/actions/verify/fileChallenge.js'
import { ReceiptMalformedError } from '../../core/receipts/errors.js'
import type { SignedReceipt } from '../../core/receipts/signedReceipt.js'

export default class VerifyChallenge extends BaseCommand<typeof VerifyChallenge> {
  static override summary = 'Challenge a node over a signed receipt that fails replay: post the bond; validators vote, a proven cheat is slashed.'
  static override description =
    'The file holds {draft, operator, signature, cost, voucher}: the receipt as the node returned it, the operator\'s signature (usage.receipt.signature), the cost and the voucher that paid it. The contract refuses a forged or altered receipt.'
  static override examples = ['<%= config.bin %> <%= command.id %> signed-receipt.json --evidence bafkrei… --dev-account 3']
  static override args = { file: Args.string({ description: 'The signed receipt (JSON).', required: true }) }
  static override flags = { ...signerFlags, evidence: Flags.string({ summary: 'Where validators find the full receipt (e.g. an IPFS CID).' }) }

  async run(): Promise<FileChallengeReturnType> {
    const evidence = (await readJsonFile(this.args.file, 'The signed receipt')) as SignedReceipt
    if (!evidence.draft || !evidence.signature || !evidence.voucher || !evidence.operator || evidence.cost === undefined) {
      throw new ReceiptMalformedError('a signed receipt needs draft, operator, signature, cost and voucher')
    }
    const result = await fileChallenge(this.ctx, { evidence, evidenceRef: this.flags.evidence, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Challenge ${result.challengeId} filed against ${result.operator} on model ${result.modelId} (bond ${result.bond}; transaction ${result.transactionHash}).`)
    this.log('Validators vote once the answer window has passed: `modeldao validator vote <challengeId> cheat|honest`.')
    return result
  }
}
