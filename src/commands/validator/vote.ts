import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { voteOnChallenge, type VoteOnChallengeReturnType } from '../../core/actions/verify/voteOnChallenge.js'
import { formatToken } from '../../core/shares/market.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class ValidatorVote extends BaseCommand<typeof ValidatorVote> {
  static override summary = 'Vote on a receipt challenge: commit your verdict in the commit phase, reveal it in the reveal phase.'
  static override description =
    'Replay the receipt first (`modeldao verify receipt`). In the commit phase your verdict is committed hidden under a random salt, which this home keeps (readable only by you) until you run the same command in the reveal phase. Your vote weighs your stake and escrows a tenth of it (the deployment\'s penalty): a vote on the final outcome gets it back with a share of what the others risked (`validator claim`); a vote against it, or never revealed, loses it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 0x…challengeId cheat --dev-account 3      # commit phase',
    '<%= config.bin %> <%= command.id %> 0x…challengeId --dev-account 3            # reveal phase: reveals what was committed',
  ]
  static override args = {
    challengeId: Args.string({ description: 'The challenge (the id `verify challenge` printed).', required: true }),
    verdict: Args.string({ description: 'Your finding; needed to commit, optional to reveal.', required: false, options: ['cheat', 'honest'] }),
  }
  static override flags = { ...signerFlags }

  async run(): Promise<VoteOnChallengeReturnType> {
    const verdict = this.args.verdict
    const result = await voteOnChallenge(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), cheat: verdict === undefined ? undefined : verdict === 'cheat', onProgress: (e) => this.transactionProgress(e) })
    const token = await this.paymentToken()
    const said = result.cheat ? 'cheat' : 'honest'
    if (result.action === 'committed') {
      this.log(`Committed "${said}" in round ${result.round} with a weight of ${formatToken(result.weight, token)}; ${formatToken(result.risk, token)} escrowed until the outcome.`)
      this.log(`Reveal it in the reveal phase${result.challenge.until ? ` (from ${result.challenge.until})` : ''}: \`modeldao validator vote ${result.challengeId}\` from this home.`)
    } else {
      const round = result.challenge.rounds.find((r) => r.round === result.round)
      this.log(`Revealed "${said}" in round ${result.round}.${round ? ` Revealed so far: ${formatToken(round.cheat, token)} cheat, ${formatToken(round.honest, token)} honest; the quorum is ${formatToken(round.quorum, token)}.` : ''}`)
    }
    return result
  }
}
