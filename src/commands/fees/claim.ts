import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { claimFees, type ClaimFeesReturnType } from '../../core/actions/fees/claimFees.js'
import { formatToken } from '../../core/shares/market.js'
import { ModeldaoError } from '../../core/errors/base.js'

export default class FeesClaim extends BaseCommand<typeof FeesClaim> {
  static override summary = 'Claim the fees your shares earned, from many models in one transaction.'
  static override description = 'Also withdraws fees credited to you as a seller (earned by your shares while they were on offer).'
  static override examples = ['<%= config.bin %> <%= command.id %> --all', '<%= config.bin %> <%= command.id %> 1 3 7', '<%= config.bin %> <%= command.id %> --all --dev-account 1 --json']
  static override strict = false
  static override args = { modelIds: Args.string({ description: 'Model ids to claim from (or --all).' }) }
  static override flags = { ...signerFlags, all: Flags.boolean({ summary: 'Every model you hold or held.', default: false }) }

  async run(): Promise<ClaimFeesReturnType> {
    const ids = this.positionals
    const { flags } = this
    if (!ids.length && !flags.all) throw new ModeldaoError('USAGE', 'Name the models to claim from, or pass --all.', { hints: ['e.g. `modeldao fees claim 1 3`, or `modeldao fees claim --all`.'] })
    if (ids.length && flags.all) throw new ModeldaoError('USAGE', 'Give model ids or --all, not both.', { hints: ['`modeldao fees claim --all` claims from every model you hold.'] })
    const result = await claimFees(this.ctx, { modelIds: flags.all ? undefined : ids, onProgress: (e) => this.transactionProgress(e) })
    const token = result.paymentToken
    if (result.claimed.length) {
      this.log(`Claimed ${formatToken(result.total, token)} (transaction ${result.transactionHash}):`)
      for (const c of result.claimed) this.log(`  model ${c.modelId}: ${formatToken(c.amount, token)}`)
    }
    if (result.sellerFees) this.log(`Withdrew ${formatToken(result.sellerFees.amount, token)} of seller fees (transaction ${result.sellerFees.transactionHash}).`)
    return result
  }
}
