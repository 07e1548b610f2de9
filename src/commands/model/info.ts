import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { percent, table } from '../../cli/table.js'
import { getModelInfo, type GetModelInfoReturnType } from '../../core/actions/models/getModelInfo.js'
import { getModelMarket, type GetModelMarketReturnType } from '../../core/actions/models/getModelMarket.js'
import { ModeldaoError } from '../../core/errors/base.js'
import { formatToken } from '../../core/shares/market.js'

export type ModelInfoResult = Partial<GetModelInfoReturnType> & { market?: GetModelMarketReturnType | undefined }

export default class ModelInfo extends BaseCommand<typeof ModelInfo> {
  static override summary = "Show a model card (name, license, every file's CID, size and sha256) and, for a model id, its market."
  static override description = `For a model id it adds the on-chain parameters (creator, admin, supply, royalty, fee share, price), the top
holders, the open offers and the fee history, from the chain and the local index. If the manifest cannot be read
(not in the local repo and no --peer/--gateway), the market part is still shown, with a warning.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 1',
    '<%= config.bin %> <%= command.id %> bafkrei…',
    '<%= config.bin %> <%= command.id %> 1 --gateway http://127.0.0.1:8080 --json',
  ]
  static override args = { ref: Args.string({ description: 'Model id (on chain) or manifest CID.', required: true }) }
  static override flags = {
    peer: Flags.string({ summary: 'Fetch the manifest from this libp2p peer.', exclusive: ['gateway'] }),
    gateway: Flags.string({ summary: 'Fetch the manifest from this trustless gateway.' }),
  }

  async run(): Promise<ModelInfoResult> {
    const ref = this.args.ref.trim()
    const market = /^\d+$/.test(ref) ? await getModelMarket(this.ctx, { modelId: ref }) : undefined
    let card: GetModelInfoReturnType | undefined
    try {
      card = await getModelInfo(this.ctx, { ref, peer: this.flags.peer, gateway: this.flags.gateway })
    } catch (error) {
      if (!market || !(error instanceof ModeldaoError)) throw error
      this.note(`The manifest ${market.manifestCid} could not be read (${error.shortMessage}); pass --peer or --gateway to fetch it.`)
    }
    if (card) this.renderCard(card)
    if (market) this.renderMarket(market)
    return { ...card, market }
  }

  private renderCard({ manifest }: GetModelInfoReturnType) {
    this.log(`${manifest.name}  (${manifest.schema})`)
    if (manifest.description) this.log(`  ${manifest.description}`)
    this.log(`  license ${manifest.license} · architecture ${manifest.architecture ?? 'unknown'} · CID profile ${manifest.cidProfile.name}`)
    if (manifest.datasets.length) this.log(`  datasets ${manifest.datasets.join(', ')}`)
    if (manifest.parent) this.log(`  parent ${manifest.parent}`)
    for (const file of manifest.files) {
      this.log(`  ${file.path}  ${formatBytes(file.size)}  ${file.cid}  sha256:${file.sha256.slice(0, 16)}…`)
      const g = file.gguf
      if (g) this.log(`    GGUF ${g.architecture}, ${g.parameterCount} params, ${g.quantization}, context ${g.contextLength ?? '?'}, tokenizer ${g.tokenizer ?? '?'}`)
    }
  }

  private renderMarket(market: GetModelMarketReturnType) {
    const token = market.paymentToken
    const c = market.onChain
    this.log(`Model ${market.modelId} on chain (block ${market.block}), manifest ${market.manifestCid}`)
    this.log(`  creator ${c.creator} · admin ${c.admin}`)
    this.log(`  supply ${c.supply} shares · ${market.holders} holders · ${c.escrowed} on offer`)
    this.log(`  royalty ${percent(c.royaltyBps)} to ${c.royaltyReceiver} · shareholders' fee share ${percent(c.feeShareBps)} · price ${formatToken(c.pricePerRequest, token)}/request`)
    this.log(`  fees to date ${formatToken(c.feesDeposited, token)}`)
    if (market.topHolders.length) {
      this.log('Top holders:')
      for (const line of table(['ACCOUNT', 'SHARES', 'ON OFFER', 'OF SUPPLY'], market.topHolders.map((h) => [h.account, h.balance, h.onOffer, percent(Number(((BigInt(h.balance) + BigInt(h.onOffer)) * 10_000n) / BigInt(c.supply)))]), [1, 2, 3])) this.log(`  ${line}`)
    }
    if (market.openOffers.length) {
      this.log('Offers:')
      for (const line of table(['OFFER', 'STATE', 'LEFT', 'PRICE/SHARE', 'SELLER'], market.openOffers.map((o) => [String(o.id), o.state, o.remaining, o.paymentToken.toLowerCase() === token.address.toLowerCase() ? formatToken(o.pricePerShare, token) : `${o.pricePerShare} (token ${o.paymentToken})`, o.seller]), [0, 2])) this.log(`  ${line}`)
    }
    if (market.feeHistory.length) {
      this.log('Fee history (newest first):')
      for (const f of market.feeHistory) this.log(`  block ${f.block}  ${f.kind.padEnd(9)}  ${formatToken(f.amount, token)}  ${f.kind === 'deposited' ? 'from' : 'by'} ${f.account}`)
    }
  }
}
