import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { tallyBar } from '../../cli/governance.js'
import { table } from '../../cli/table.js'
import { listProposals, type ListProposalsReturnType } from '../../core/actions/dao/listProposals.js'
import { proposalStateNames } from '../../core/chain/protocol/revertMessages.js'

export default class DaoProposals extends BaseCommand<typeof DaoProposals> {
  static override summary = 'List the proposals of every model DAO (or one): active first, with tallies.'
  static override description = 'Read from the local index; each live proposal\'s state is read from its governor. Bar: + for, - against, ~ abstain.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --model 1 --state active --state pending', '<%= config.bin %> <%= command.id %> --json']
  static override flags = {
    model: Flags.string({ summary: 'Only proposals of this model.' }),
    state: Flags.string({ summary: 'Only proposals in this state (repeatable).', multiple: true, options: [...proposalStateNames] }),
  }

  async run(): Promise<ListProposalsReturnType> {
    const result = await listProposals(this.ctx, { modelId: this.flags.model, states: this.flags.state })
    if (!result.proposals.length) {
      this.log('No proposals. Propose with `modeldao dao propose dataset|version|params --model <id> …`.')
      return result
    }
    const rows = result.proposals.map((p) => [
      String(p.modelId),
      String(p.proposalId),
      p.state,
      p.title.length > 48 ? `${p.title.slice(0, 47)}…` : p.title,
      tallyBar(p.tally, 12),
      `${p.tally.for}/${p.tally.against}/${p.tally.abstain}`,
      p.quorum === undefined ? '-' : `${BigInt(p.tally.for) + BigInt(p.tally.abstain) >= BigInt(p.quorum) ? 'yes' : 'no'}${p.superQuorum !== undefined && BigInt(p.tally.for) >= BigInt(p.superQuorum) ? ' (super)' : ''}`,
      p.state === 'pending' ? `opens in ${p.voteStart - result.block + 1} blocks` : p.state === 'active' ? `${p.voteEnd - result.block} blocks left` : '',
    ])
    for (const line of table(['MODEL', 'ID', 'STATE', 'TITLE', 'VOTES', 'FOR/AGAINST/ABSTAIN', 'QUORUM', 'WHEN'], rows, [0, 1])) this.log(line)
    return result
  }
}
