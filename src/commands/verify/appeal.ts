import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { appealChallenge, type AppealChallengeReturnType } from '../../core/actions/verify/settleChallenge.js'
import { formatToken } from '../../core/shares/market.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class VerifyAppeal extends BaseCommand<typeof VerifyAppeal> {
  static override summary = "Appeal a challenge round's verdict, as the side it went against: a new validator round, then the model's DAO."
  static override description =
    'The operator appeals a "cheat" verdict, the challenger an "honest" one, within the appeal window. The bond doubles each time (2×, then 4× the filing bond); the side that wins the last round takes every bond. A new round snapshots the validator stake anew, so validators who register after a bought round can outvote it; after the last validator round, the model\'s DAO decides.'
  static override examples = ['<%= config.bin %> <%= command.id %> 0x…challengeId --dev-account 6']
  static override args = { challengeId: Args.string({ description: 'The challenge.', required: true }) }
  static override flags = { ...signerFlags }

  async run(): Promise<AppealChallengeReturnType> {
    const result = await appealChallenge(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), onProgress: (e) => this.transactionProgress(e) })
    const token = await this.paymentToken()
    const c = result.challenge
    this.log(`Appealed with a bond of ${formatToken(result.bond, token)}: ${c.atDao ? "the model's DAO decides" : `validator round ${c.round} is open`}${c.until ? ` until ${c.until}` : ''}.`)
    return result
  }
}
