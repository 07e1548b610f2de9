import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { proposalModelFlag } from '../../cli/governance.js'
import { getPassword } from '../../cli/password.js'
import { castVote, type CastVoteReturnType, type VoteSupport } from '../../core/actions/dao/castVote.js'
import { createModeldao, type ModeldaoContext } from '../../core/context/context.js'

export default class DaoVote extends BaseCommand<typeof DaoVote> {
  static override summary = 'Vote for, against or abstain on a proposal with your votes at its snapshot.'
  static override description =
    'With --by-sig you sign the ballot (EIP-712: chain id, governor and your nonce) and a relayer account sends it and pays the gas: a holder with no gas can vote.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7 for',
    '<%= config.bin %> <%= command.id %> 7 against --reason "License unclear" --model 2',
    '<%= config.bin %> <%= command.id %> 7 for --by-sig --dev-account 3 --relayer-dev-account 0',
  ]
  static override args = {
    id: Args.string({ description: 'Proposal id (sequential per model).', required: true }),
    support: Args.string({ description: 'Your vote.', required: true, options: ['for', 'against', 'abstain'] }),
  }
  static override flags = {
    ...signerFlags,
    ...proposalModelFlag,
    reason: Flags.string({ summary: 'Why, recorded on chain with the vote.' }),
    'by-sig': Flags.boolean({ summary: 'Sign the ballot and let a relayer send it (you pay no gas).', default: false }),
    relayer: Flags.string({ summary: 'Keystore (or address) that relays a --by-sig vote and pays its gas.' }),
    'relayer-dev-account': Flags.integer({ summary: 'anvil dev account that relays a --by-sig vote (local chain).', min: 0, max: 9 }),
  }

  async run(): Promise<CastVoteReturnType> {
    const { flags } = this
    let relayer: ModeldaoContext | undefined
    if (flags['by-sig']) {
      if (flags.relayer === undefined && flags['relayer-dev-account'] === undefined) this.error('--by-sig needs a relayer: --relayer <keystore> or --relayer-dev-account N.', { exit: 2 })
      relayer = createModeldao({
        home: flags.home,
        rpcUrl: flags['rpc-url'],
        chainId: flags['chain-id'],
        account: flags.relayer,
        devAccount: flags['relayer-dev-account'],
        getPassword: ({ purpose }) => getPassword(`the relayer's ${purpose}`),
      })
    } else if (flags.relayer !== undefined || flags['relayer-dev-account'] !== undefined) this.error('A relayer only relays --by-sig votes: add --by-sig.', { exit: 2 })
    try {
      const result = await castVote(this.ctx, {
        proposalId: this.args.id,
        modelId: flags.model,
        support: this.args.support as VoteSupport,
        reason: flags.reason,
        relayer,
        onProgress: (e) => this.transactionProgress(e),
      })
      this.log(`Voted ${result.support} on proposal ${result.proposalId} of model ${result.modelId} with ${result.weight} votes${result.relayedBy ? ` (signed by ${result.voter}, relayed by ${result.relayedBy})` : ''}: transaction ${result.transactionHash}.`)
      return result
    } finally {
      await relayer?.dispose()
    }
  }
}
