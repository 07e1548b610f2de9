import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { shortAddress, table } from '../../cli/table.js'
import { listChallenges, type ListChallengesReturnType } from '../../core/actions/verify/listChallenges.js'
import { formatToken } from '../../core/shares/market.js'

export default class ValidatorStatus extends BaseCommand<typeof ValidatorStatus> {
  static override summary = 'Open receipt disputes: phase and deadline, what is at stake, your votes; and the rule the rounds run by.'
  static override description =
    'Validators decide a round only when half of their stake, risking a tenth each (the deployment\'s quorum and penalty), risks more than the round moves; below that the model\'s DAO decides. Each line says what comes next: commit or reveal your vote (`validator vote`), appeal (`verify appeal`), resolve (`validator resolve`), claim (`validator claim`).'
  static override examples = ['<%= config.bin %> <%= command.id %> --dev-account 3', '<%= config.bin %> <%= command.id %> --all --model 1 --json']
  static override flags = {
    ...signerFlags,
    model: Flags.integer({ summary: "Only this model's challenges.", min: 1 }),
    all: Flags.boolean({ summary: 'Resolved challenges too.', default: false }),
  }

  async run(): Promise<ListChallengesReturnType> {
    const result = await listChallenges(this.ctx, { modelId: this.flags.model, all: this.flags.all })
    const token = await this.paymentToken()
    const amount = (value: string) => formatToken(value, token)
    const v = result.validator
    this.log(`${result.account}: ${v.active ? `validator with ${amount(v.stake)} of free stake${BigInt(v.locked) > 0n ? ` and ${amount(v.locked)} escrowed on votes` : ''}` : v.unbondingEnd ? `unbonding until ${v.unbondingEnd} (${amount(v.stake)})` : 'not a validator'}; eligible validator stake ${amount(result.eligibleStake)}.`)
    for (const r of result.rule) {
      this.log(`  round ${r.round}: moves up to ${amount(r.moves)}; ${r.decidedBy === 'validators' ? `validators decide (stake ≥ ${amount(r.economicStake)}); a bought quorum holds ${amount(r.quorumStake)} and loses ${amount(r.boughtQuorumLoses)} if overturned` : `the DAO decides (validators need ${amount(r.economicStake)} of stake)`}`)
    }
    if (result.challenges.length === 0) {
      this.log(this.flags.all ? 'No challenges filed.' : 'No open challenges.')
      return result
    }
    const rows = result.challenges.map((c) => {
      const round = c.rounds.find((r) => r.round === c.round)
      const mine = c.ballots?.find((b) => b.round === c.round)
      const vote = mine ? `${mine.revealed ? (mine.cheat ? 'cheat' : 'honest') : 'committed'}${mine.settled ? ', claimed' : ''}` : '-'
      const tally = round ? `${amount(round.cheat)} / ${amount(round.honest)} of ${amount(round.quorum)}` : '-'
      const stage = c.status !== 'open' ? c.status : c.atDao ? 'DAO' : `round ${c.round}`
      return [c.challengeId.slice(0, 12) + '…', c.modelId, shortAddress(c.operator), stage, c.phase, c.until ?? '-', amount(c.bonds), tally, vote, c.role]
    })
    for (const line of table(['CHALLENGE', 'MODEL', 'OPERATOR', 'STAGE', 'PHASE', 'UNTIL', 'BONDS', 'CHEAT / HONEST OF QUORUM', 'YOUR VOTE', 'YOU ARE'], rows, [1])) this.log(line)
    return result
  }
}
