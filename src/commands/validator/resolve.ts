import { Args } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { settleChallenge, type SettleChallengeReturnType } from '../../core/actions/verify/settleChallenge.js'
import { parseChallengeId } from '../../core/units/ids.js'

export default class ValidatorResolve extends BaseCommand<typeof ValidatorResolve> {
  static override summary = 'Resolve a receipt challenge whose voting ended without a quorum (it fails: the bond goes to the operator).'
  static override examples = ['<%= config.bin %> <%= command.id %> 0x…challengeId']
  static override args = { challengeId: Args.string({ description: 'The challenge.', required: true }) }
  static override flags = { ...signerFlags }

  async run(): Promise<SettleChallengeReturnType> {
    const result = await settleChallenge(this.ctx, { challengeId: parseChallengeId(this.args.challengeId, 'The challenge id'), onProgress: (e) => this.transactionProgress(e) })
    this.log(`The challenge is ${result.status} (${result.cheatVotes} cheat, ${result.honestVotes} honest).`)
    if (result.resolution && BigInt(result.resolution.slashed) > 0n) this.log(`Slashed ${result.resolution.slashed}: ${result.resolution.toChallenger} to the challenger (with the bond), ${result.resolution.toPayer} to the harmed payer, ${result.resolution.burned} burned.`)
    return result
  }
}
