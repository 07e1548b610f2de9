import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { delegateVotes, type DelegateVotesReturnType } from '../../core/actions/dao/delegateVotes.js'

export default class DaoDelegate extends BaseCommand<typeof DaoDelegate> {
  static override summary = "Delegate your votes in one model to another account (or, without one, back to yourself)."
  static override examples = ['<%= config.bin %> <%= command.id %> --model 1 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> --model 1 alice', '<%= config.bin %> <%= command.id %> --model 1']
  static override args = { to: Args.string({ description: 'Address or keystore name to delegate to; default yourself.' }) }
  static override flags = { ...signerFlags, model: Flags.string({ summary: 'Model id whose votes you delegate.', required: true }) }

  async run(): Promise<DelegateVotesReturnType> {
    const result = await delegateVotes(this.ctx, { modelId: this.flags.model, to: this.args.to, onProgress: (e) => this.transactionProgress(e) })
    const self = result.delegatee.toLowerCase() === result.account.toLowerCase()
    this.log(`Your votes in model ${result.modelId} now go to ${self ? 'yourself' : result.delegatee} (${result.votes} votes there); transaction ${result.transactionHash}.`)
    this.log('Proposals whose snapshot has passed keep the votes as they were.')
    return result
  }
}
