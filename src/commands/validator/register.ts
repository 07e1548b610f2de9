import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { registerValidator, type RegisterValidatorReturnType } from '../../core/actions/verify/registerValidator.js'
import { formatToken } from '../../core/shares/market.js'

export default class ValidatorRegister extends BaseCommand<typeof ValidatorRegister> {
  static override summary = 'Register as a validator with a stake: vote on receipt challenges filed after this.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --stake 10 --dev-account 4 --json']
  static override flags = { ...signerFlags, stake: Flags.string({ summary: 'Stake in the payment token (default: the minimum).' }) }

  async run(): Promise<RegisterValidatorReturnType> {
    const result = await registerValidator(this.ctx, { stake: this.flags.stake, onProgress: (e) => this.transactionProgress(e) })
    this.log(`${result.validator} is a validator with a stake of ${formatToken(result.stake, await this.paymentToken())} (transaction ${result.transactionHash}).`)
    return result
  }
}
