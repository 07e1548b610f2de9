import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { settleChallenge, type SettleChallengeReturnType } from '../../core/actions/verify/settleChallenge.js'
import { formatToken } from '../../core/shares/market.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class ValidatorResolve extends BaseCommand<typeof ValidatorResolve> {
  static override summary = 'Resolve a receipt challenge whose verdict stands: its last round went unappealed, or the DAO let its window pass.'
  static override examples = ['<%= config.bin %> <%= command.id %> 0x…challengeId']
  static override args = { challengeId: Args.string({ description: 'The challenge.', required: true }) }
  static override flags = { ...signerFlags }

  async run(): Promise<SettleChallengeReturnType> {
    const result = await settleChallenge(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), onProgress: (e) => this.transactionProgress(e) })
    const token = await this.paymentToken()
    this.log(`The challenge is ${result.challenge.status}.`)
    const r = result.resolution
    if (r && BigInt(r.slashed) > 0n) this.log(`Slashed ${formatToken(r.slashed, token)}: ${formatToken(r.toChallenger, token)} to the challenger (with the bonds), ${formatToken(r.toPayer, token)} to the harmed payer, ${formatToken(r.burned, token)} burned.`)
    else if (r && BigInt(r.toOperator) > 0n) this.log(`The operator takes the bonds: ${formatToken(r.toOperator, token)}.`)
    this.log(`Voters on the outcome claim their share: \`modeldao validator claim ${result.challengeId}\`.`)
    return result
  }
}
