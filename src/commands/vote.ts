import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../cli/baseCommand.js'
import { syncedIndex } from '../core/actions/index/syncIndex.js'
import { createModeldao } from '../core/context/context.js'
import { ModeldaoError } from '../core/errors/base.js'
import { findProposal } from '../core/governance/dao.js'

export default class Vote extends BaseCommand<typeof Vote> {
  static override summary = 'Review and vote on proposals in a terminal UI: tallies, quorum, descriptions, delegation, stakes.'
  static override description =
    'Shows the proposals of every model you hold shares of (or of --model, or --all), active first, and refreshes as blocks arrive. Keys: ↑↓/jk move, Enter open, v vote, d delegate, s stake, Q queue, X execute, / filter, ? help, q back/quit. Needs a terminal; scripts use the `dao` commands.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 7 --model 1',
    '<%= config.bin %> <%= command.id %> --account alice',
    '<%= config.bin %> <%= command.id %> --dev-account 3 --relayer-dev-account 0',
  ]
  static override args = { id: Args.string({ description: 'Open this proposal first (sequential id per model).' }) }
  static override flags = {
    ...signerFlags,
    model: Flags.string({ summary: "Only this model's proposals." }),
    all: Flags.boolean({ summary: "Every model's proposals, not only those you hold shares of.", default: false }),
    relayer: Flags.string({ summary: 'Keystore that relays votes by signature (you pay no gas).' }),
    'relayer-dev-account': Flags.integer({ summary: 'anvil dev account that relays votes by signature (local chain).', min: 0, max: 9 }),
  }

  async run(): Promise<void> {
    const { flags } = this
    if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) {
      throw new ModeldaoError('USAGE', 'The voting TUI needs an interactive terminal (and no --json).', {
        hints: ['From scripts use `modeldao dao proposals`, `modeldao dao show <id>` and `modeldao dao vote <id> for|against|abstain`.'],
      })
    }
    // Loaded only here: no other command pays for React and Ink at start-up.
    const { runVoteTui, createTuiClient, PasswordBroker } = await (await import('../tui/load.js')).loadVoteTui()
    const passwords = new PasswordBroker()
    const common = { home: flags.home, rpcUrl: flags['rpc-url'], chainId: flags['chain-id'] }
    const ctx = createModeldao({ ...common, account: flags.account, devAccount: flags['dev-account'], privateKey: process.env.MODELDAO_PRIVATE_KEY, getPassword: ({ purpose }) => passwords.request(purpose) })
    const relayer =
      flags.relayer !== undefined || flags['relayer-dev-account'] !== undefined
        ? createModeldao({ ...common, account: flags.relayer, devAccount: flags['relayer-dev-account'], getPassword: ({ purpose }) => passwords.request(`the relayer's ${purpose}`) })
        : undefined
    try {
      let initial: { modelId: number; proposalId: number } | undefined
      if (this.args.id !== undefined) {
        const { index } = await syncedIndex(ctx)
        const found = await findProposal(ctx, index, { proposalId: this.args.id, modelId: flags.model })
        initial = { modelId: found.modelId, proposalId: found.proposalId }
      }
      const modelId = flags.model === undefined ? undefined : Number(flags.model)
      if (modelId !== undefined && (!Number.isInteger(modelId) || modelId < 1)) throw new ModeldaoError('USAGE', `--model "${flags.model}" is not a model id.`, { hints: ['Model ids are 1, 2, 3…; list them with `modeldao model list`.'] })
      await runVoteTui({ client: createTuiClient(ctx, { modelId, all: flags.all, relayer }), passwords, initial })
    } finally {
      await ctx.dispose()
      await relayer?.dispose()
    }
  }
}
