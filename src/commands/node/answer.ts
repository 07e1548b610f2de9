import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { answerChallenge, type AnswerChallengeReturnType } from '../../core/actions/verify/answerChallenge.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class NodeAnswer extends BaseCommand<typeof NodeAnswer> {
  static override summary = "Answer a challenge of one of your node's receipts (operator only, within the answer window): your evidence for the validators committing their votes."
  static override examples = ['<%= config.bin %> <%= command.id %> 0x…challengeId --answer bafkrei…replay --dev-account 1']
  static override args = { challengeId: Args.string({ description: 'The challenge.', required: true }) }
  static override flags = { ...signerFlags, answer: Flags.string({ summary: 'Your evidence (e.g. the CID of your own replay); its hash goes on chain.', required: true }) }

  async run(): Promise<AnswerChallengeReturnType> {
    const result = await answerChallenge(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), answer: this.flags.answer, onProgress: (e) => this.transactionProgress(e) })
    this.log(`Answered challenge ${result.challengeId} (answer hash ${result.answerHash}). Follow it: \`modeldao validator status\`; appeal a cheat verdict with \`modeldao verify appeal\`.`)
    return result
  }
}
