import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { claimChallengeVotes, type ClaimChallengeVotesReturnType } from '../../core/actions/verify/settleChallenge.js'
import { formatToken } from '../../core/shares/market.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class ValidatorClaim extends BaseCommand<typeof ValidatorClaim> {
  static override summary = 'Claim what your votes on a resolved challenge earned: your escrow back and a share of what the others risked.'
  static override description = 'Only votes revealed on the final outcome are paid; while you are a registered validator the payment goes back into your stake, else to your credits (withdrawn with `verify withdraw`).'
  static override examples = ['<%= config.bin %> <%= command.id %> 0x…challengeId --dev-account 3']
  static override args = { challengeId: Args.string({ description: 'The challenge.', required: true }) }
  static override flags = { ...signerFlags }

  async run(): Promise<ClaimChallengeVotesReturnType> {
    const result = await claimChallengeVotes(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), onProgress: (e) => this.transactionProgress(e) })
    const token = await this.paymentToken()
    if (result.claims.length === 0) this.log('Nothing to claim: no vote of yours on this challenge was revealed on its final outcome (or it is open, or claimed already).')
    for (const c of result.claims) this.log(`Round ${c.round}: ${formatToken(c.paid, token)} paid ${c.toStake ? 'into your stake' : 'to your credits'}.`)
    return result
  }
}
