import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { getEarnings, withdrawEarnings, type GetEarningsReturnType, type WithdrawEarningsReturnType } from '../../core/actions/node/operatorEarnings.js'
import { formatToken } from '../../core/shares/market.js'
import { parseAddress } from '../../core/units/address.js'

export default class NodeEarnings extends BaseCommand<typeof NodeEarnings> {
  static override summary = "An operator's earnings from paid requests (settled vouchers and exact payments); --withdraw pays them out."
  static override description = "The holders' fee share is already in the model's fee pool: these are the operator's part. Vouchers a node holds but has not settled yet are not counted (a paid node settles every 10 minutes, when a payer starts a withdrawal, and when it stops)."
  static override examples = ['<%= config.bin %> <%= command.id %> --account operator', '<%= config.bin %> <%= command.id %> --account operator --withdraw', '<%= config.bin %> <%= command.id %> --operator 0xOperatorAddress --json']
  static override flags = {
    ...signerFlags,
    operator: Flags.string({ summary: "Show this operator's earnings (default: the signing account's).", exclusive: ['withdraw'] }),
    withdraw: Flags.boolean({ summary: 'Pay the earnings out to the operator (signs as the operator).', default: false }),
  }

  async run(): Promise<GetEarningsReturnType | WithdrawEarningsReturnType> {
    const token = await this.paymentToken()
    if (this.flags.withdraw) {
      const paid = await withdrawEarnings(this.ctx)
      this.log(`Withdrew ${formatToken(paid.total, token)} to ${paid.operator}: ${formatToken(paid.channels, token)} from channel settlements, ${formatToken(paid.exact, token)} from exact payments.`)
      return paid
    }
    const earned = await getEarnings(this.ctx, { operator: this.flags.operator === undefined ? undefined : parseAddress(this.flags.operator, '--operator') })
    this.log(`Operator ${earned.operator} can withdraw ${formatToken(earned.total, token)}:`)
    this.log(`  channel settlements  ${formatToken(earned.channels, token)}`)
    this.log(`  exact payments       ${formatToken(earned.exact, token)}`)
    for (const r of earned.exactReceivers) this.log(`    model ${r.modelId}  ${formatToken(r.earnings, token)} (receiver ${r.receiver})`)
    return earned
  }
}
