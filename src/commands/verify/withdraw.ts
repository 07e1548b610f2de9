import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { withdrawChallengeCredits, type WithdrawChallengeCreditsReturnType } from '../../core/actions/verify/settleChallenge.js'
import { formatToken } from '../../core/shares/market.js'

export default class VerifyWithdraw extends BaseCommand<typeof VerifyWithdraw> {
  static override summary = 'Withdraw your credits from receipt challenges: bonds won, slash shares, vote claims.'
  static override examples = ['<%= config.bin %> <%= command.id %> --dev-account 6']
  static override flags = { ...signerFlags }

  async run(): Promise<WithdrawChallengeCreditsReturnType> {
    const result = await withdrawChallengeCredits(this.ctx, { onProgress: (e) => this.transactionProgress(e) })
    this.log(`Withdrew ${formatToken(result.amount, await this.paymentToken())} to ${result.account}.`)
    return result
  }
}
