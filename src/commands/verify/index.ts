import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { table } from '../../cli/table.js'
import { ModeldaoError } from '../../core/errors/base.js'
import { cheatingPays, detectionProbability, requestsToDetect } from '../../core/verify/economics.js'
import { RECEIPT_CHALLENGE_PARAMS } from '../../core/chain/protocol/registry.js'
import { disputeRule, type DisputeParams } from '../../core/disputes/economics.js'
import { readDisputeParams } from '../../core/disputes/read.js'
import { formatToken, parseTokenAmount, type TokenInfo } from '../../core/shares/market.js'

type ExplainResult = {
  probeRate: number
  cheatFraction: number
  curve: { requests: number; detection: number }[]
  requestsFor: { confidence: number; requests: number }
  economics?: ReturnType<typeof cheatingPays> & { slashedStake: number; gainPerRequest: number }
  /** The dispute rule over a validator stake snapshot (base units): who decides each round, what a bought quorum loses. */
  disputes?: {
    source: 'deployment' | 'local defaults'
    validatorStake: string
    cheatLoses: string
    rounds: { round: number; moves: string; economicStake: string; decidedBy: 'validators' | 'dao'; quorumStake: string; boughtQuorumLoses: string }[]
  }
}

const fraction = (text: string, flag: string): number => {
  const value = Number(text)
  if (!(value >= 0 && value <= 1)) throw new ModeldaoError('USAGE', `${flag} must be a fraction from 0 to 1, got "${text}".`, { hints: ['e.g. --probe-rate 0.05 (5% of requests are probes).'] })
  return value
}

export default class Verify extends BaseCommand<typeof Verify> {
  private token: Pick<TokenInfo, 'symbol' | 'decimals'> = { symbol: 'tUSD', decimals: 6 }

  private amount(value: string): string {
    return formatToken(value, this.token)
  }

  /** The dispute rule: the deployment's parameters and eligible stake when a chain answers, else the local defaults. */
  private async disputes(stakeFlag: string | undefined): Promise<NonNullable<ExplainResult['disputes']>> {
    let params: DisputeParams = { ...RECEIPT_CHALLENGE_PARAMS }
    let source: NonNullable<ExplainResult['disputes']>['source'] = 'local defaults'
    let eligible: bigint | undefined
    try {
      params = await readDisputeParams(this.ctx)
      this.token = await this.paymentToken()
      const [connection, rc] = await Promise.all([this.ctx.chain(), this.ctx.contract('ReceiptChallenges')])
      eligible = await connection.publicClient.readContract({ address: rc.address, abi: rc.abi, functionName: 'eligibleStake' })
      source = 'deployment'
    } catch {
      // No chain or no deployment: the rule with the parameters a local deployment ships.
    }
    const rule0 = disputeRule(params, 0n).rounds[0]!
    const stake = stakeFlag !== undefined ? parseTokenAmount(stakeFlag, this.token.decimals, '--validator-stake') : eligible ?? rule0.economicStake
    const rule = disputeRule(params, stake)
    return {
      source,
      validatorStake: stake.toString(),
      cheatLoses: rule.cheatLoses.toString(),
      rounds: rule.rounds.map((r) => ({ round: r.round, moves: r.moves.toString(), economicStake: r.economicStake.toString(), decidedBy: r.decidedBy, quorumStake: r.quorumStake.toString(), boughtQuorumLoses: r.boughtQuorumLoses.toString() })),
    }
  }

  static override summary = 'How spot checks catch a cheating node: the detection curve, when cheating does not pay, and what a dispute costs.'
  static override description =
    'A validator probes a fraction p of a node\'s traffic with requests it cannot tell from clients\'; a node cheating on a fraction f of requests is exposed within n requests with probability 1 − (1 − p·f)^n. A probed cheat loses the slashed stake, so cheating does not pay while p × slashed stake > the gain per cheated request. A disputed receipt is decided by validators voting with their stake only when buying their quorum costs more than the dispute moves (snapshot × quorum × penalty ≥ slash + bonds), else by the model\'s DAO: the rule is printed for the deployment\'s validator stake (or --validator-stake). `modeldao verify receipt` replays one receipt.'
  static override examples = ['<%= config.bin %> <%= command.id %> --explain', '<%= config.bin %> <%= command.id %> --explain --probe-rate 0.02 --cheat-fraction 0.5 --stake 1000 --gain 0.002 --json']
  static override flags = {
    explain: Flags.boolean({ summary: 'Print the detection curve and the break-even condition.', default: false }),
    'probe-rate': Flags.string({ summary: 'Fraction of requests that are probes (p).', default: '0.05' }),
    'cheat-fraction': Flags.string({ summary: 'Fraction of requests the node cheats on (f).', default: '1' }),
    confidence: Flags.string({ summary: 'Detection probability to reach.', default: '0.99' }),
    stake: Flags.string({ summary: 'Stake slashed when caught, in the payment token.' }),
    gain: Flags.string({ summary: 'What one cheated request saves the node, in the payment token.' }),
    'validator-stake': Flags.string({ summary: "Validator stake for the dispute rule, in the payment token (default: the deployment's eligible stake, or the first round's economic stake)." }),
  }

  async run(): Promise<ExplainResult> {
    const { flags } = this
    if (!flags.explain) throw new ModeldaoError('USAGE', 'Nothing to do: pass --explain, or replay a receipt with `modeldao verify receipt <file>`.', { hints: ['See `modeldao verify --help`.'] })
    const p = fraction(flags['probe-rate'], '--probe-rate')
    const f = fraction(flags['cheat-fraction'], '--cheat-fraction')
    const confidence = fraction(flags.confidence, '--confidence')
    const curve = [1, 10, 20, 50, 100, 200, 500, 1000].map((requests) => ({ requests, detection: detectionProbability(p, f, requests) }))
    const result: ExplainResult = { probeRate: p, cheatFraction: f, curve, requestsFor: { confidence, requests: requestsToDetect(p, f, Math.min(confidence, 0.999999)) } }
    if (flags.stake !== undefined && flags.gain !== undefined) {
      const slashedStake = Number(flags.stake)
      const gainPerRequest = Number(flags.gain)
      if (!(slashedStake >= 0) || !(gainPerRequest >= 0)) throw new ModeldaoError('USAGE', '--stake and --gain must be non-negative amounts.', { hints: ['e.g. --stake 1000 --gain 0.002'] })
      result.economics = { ...cheatingPays(p, slashedStake, gainPerRequest), slashedStake, gainPerRequest }
    }
    this.log(`Probe rate p = ${p}, cheat fraction f = ${f}: each request exposes the cheat with probability p·f = ${p * f}.`)
    for (const line of table(['REQUESTS', 'DETECTED'], curve.map((c) => [String(c.requests), `${(c.detection * 100).toFixed(2)}%`]), [0, 1])) this.log(`  ${line}`)
    this.log(`${(confidence * 100).toFixed(2)}% detection after ${result.requestsFor.requests} requests.`)
    const e = result.economics
    if (e) {
      this.log(`Expected loss per cheated request: p × stake = ${e.expectedLossPerRequest}; gain ${e.gainPerRequest}: cheating ${!e.pays ? 'does not pay' : e.expectedLossPerRequest === e.gainPerRequest ? 'BREAKS EVEN (it must lose) — raise the probe rate or the stake' : 'PAYS — raise the probe rate or the stake'}.`)
      this.log(`Break-even probe rate: gain / stake = ${e.minProbeRate}.`)
    } else this.log('Add --stake and --gain for the break-even condition (p × stake > gain).')
    this.log('Assumes a replay catches every cheated response: true for other weights and fewer layers; lower precision is measured separately.')
    const d = (result.disputes = await this.disputes(flags['validator-stake']))
    this.log(`Disputes (${d.source}, ${this.amount(d.validatorStake)} of validator stake): a proven cheat loses ${this.amount(d.cheatLoses)}.`)
    for (const r of d.rounds) {
      this.log(
        `  round ${r.round} moves up to ${this.amount(r.moves)}: ${r.decidedBy === 'validators' ? `validators decide; a bought quorum holds ${this.amount(r.quorumStake)} and loses ${this.amount(r.boughtQuorumLoses)} when overturned` : `the model's DAO decides (validators need ${this.amount(r.economicStake)})`}.`,
      )
    }
    this.log('Validators decide a round only when snapshot × quorum × penalty ≥ what it moves (slash + bonds): a bought majority costs more than it can steal or protect.')
    return result
  }
}
