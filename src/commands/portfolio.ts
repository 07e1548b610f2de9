import { BaseCommand, signerFlags } from '../cli/baseCommand.js'
import { percent, shortAddress, table } from '../cli/table.js'
import { getPortfolio, type GetPortfolioReturnType } from '../core/actions/portfolio/getPortfolio.js'
import { formatToken } from '../core/shares/market.js'

export default class Portfolio extends BaseCommand<typeof Portfolio> {
  static override summary = 'Every model the account holds: shares, % of supply, claimable and claimed fees, votes, value at the best ask.'
  static override examples = ['<%= config.bin %> <%= command.id %> --account alice', '<%= config.bin %> <%= command.id %> --dev-account 1 --json']
  static override flags = { ...signerFlags }

  async run(): Promise<GetPortfolioReturnType> {
    const result = await getPortfolio(this.ctx)
    const token = result.paymentToken
    if (!result.models.length) {
      this.log(`${result.account} holds no shares. Find models with \`modeldao model list --on-offer\`.`)
      return result
    }
    this.log(`Portfolio of ${result.account} (block ${result.block}):`)
    const rows = result.models.map((m) => [
      String(m.modelId),
      m.name ?? '?',
      BigInt(m.onOffer) > 0n ? `${m.balance} (+${m.onOffer} on offer)` : m.balance,
      percent(m.shareOfSupplyBps),
      formatToken(BigInt(m.claimable) + BigInt(m.pendingOnOffer), token),
      formatToken(m.claimed, token),
      m.delegate.toLowerCase() === result.account.toLowerCase() ? `${m.votes} (self)` : `${m.votes} → ${shortAddress(m.delegate)}`,
      m.value ? formatToken(m.value, token) : '-',
    ])
    for (const line of table(['MODEL', 'NAME', 'SHARES', 'OF SUPPLY', 'CLAIMABLE', 'CLAIMED', 'VOTES / DELEGATE', 'VALUE AT ASK'], rows, [0])) this.log(`  ${line}`)
    const t = result.totals
    this.log(`Claimable ${formatToken(t.claimable, token)}${BigInt(t.pendingOnOffer) > 0n ? ` (+${formatToken(t.pendingOnOffer, token)} earned by shares on offer, credited when the offer changes)` : ''}; claimed ${formatToken(t.claimed, token)}; value at best ask ${formatToken(t.value, token)}.`)
    if (BigInt(t.sellerFees) > 0n) this.log(`Seller fees ready to withdraw: ${formatToken(t.sellerFees, token)}.`)
    if (BigInt(t.claimable) > 0n || BigInt(t.sellerFees) > 0n) this.log('Claim with `modeldao fees claim --all`.')
    return result
  }
}
