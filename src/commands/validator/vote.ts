import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { settleChallenge, type SettleChallengeReturnType } from '../../core/actions/verify/settleChallenge.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class ValidatorVote extends BaseCommand<typeof ValidatorVote> {
  static override summary = "Vote on a receipt challenge: cheat (the node served other weights) or honest. Replay it first: `modeldao verify receipt`."
  static override examples = ['<%= config.bin %> <%= command.id %> 0x…challengeId cheat --dev-account 4']
  static override args = {
    challengeId: Args.string({ description: 'The challenge (the receipt digest `verify challenge` printed).', required: true }),
    verdict: Args.string({ description: 'Your finding.', required: true, options: ['cheat', 'honest'] }),
  }
  static override flags = { ...signerFlags }

  async run(): Promise<SettleChallengeReturnType> {
    const result = await settleChallenge(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), cheat: this.args.verdict === 'cheat', onProgress: (e) => this.transactionProgress(e) })
    this.log(`Voted ${this.args.verdict}: ${result.cheatVotes} cheat, ${result.honestVotes} honest; the challenge is ${result.status}.`)
    if (result.resolution) this.log(`Slashed ${result.resolution.slashed}: ${result.resolution.toChallenger} to the challenger (with the bond), ${result.resolution.toPayer} to the harmed payer, ${result.resolution.burned} burned.`)
    return result
  }
}
