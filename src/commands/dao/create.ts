import { Args, Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { addressFlag } from '../../cli/flags.js'
import { createDao, DEFAULT_DAO_SETTINGS, type CreateDaoReturnType } from '../../core/actions/dao/createDao.js'
import { parseDuration } from '../../core/units/duration.js'

export default class DaoCreate extends BaseCommand<typeof DaoCreate> {
  static override summary = "Create a model's DAO and hand it the model (manifest, price, fee share, royalty receiver)."
  static override description =
    'The model admin offers its role to the DAO\'s timelock and the factory clones a governor, a timelock and a votes view for the model. From then on the model changes only through passed proposals. Votes are the model\'s shares at each proposal\'s snapshot.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 1',
    '<%= config.bin %> <%= command.id %> 1 --voting-delay 1 --voting-period 100 --quorum 10 --super-quorum 60 --timelock-delay 1h',
    '<%= config.bin %> <%= command.id %> 1 --guardian 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json',
  ]
  static override args = { modelId: Args.string({ description: 'Model id.', required: true }) }
  static override flags = {
    ...signerFlags,
    'voting-delay': Flags.integer({ summary: `Blocks from a proposal to its snapshot (when voting opens). Default ${DEFAULT_DAO_SETTINGS.votingDelay}.`, min: 0 }),
    'voting-period': Flags.integer({ summary: `Blocks of voting. Default ${DEFAULT_DAO_SETTINGS.votingPeriod} (~1 week of 12 s blocks).`, min: 1 }),
    threshold: Flags.string({ summary: 'Shares (votes) needed to propose. Default 0.1% of the supply.' }),
    quorum: Flags.integer({ summary: `Percent of the shares that can vote needed (for + abstain). Default ${DEFAULT_DAO_SETTINGS.quorumPercent}.`, min: 0, max: 100 }),
    'super-quorum': Flags.integer({ summary: `Percent "for" that passes a proposal before voting ends. Default ${DEFAULT_DAO_SETTINGS.superQuorumPercent}.`, min: 0, max: 100 }),
    'timelock-delay': Flags.string({ summary: 'Wait between queueing and executing (90s, 2h, 2d). Default 2d.' }),
    guardian: addressFlag({ summary: 'May cancel a poisoned proposal at any time before execution. Default none.' }),
  }

  async run(): Promise<CreateDaoReturnType> {
    const { flags } = this
    const threshold = flags.threshold === undefined ? undefined : /^\d+$/.test(flags.threshold.trim()) ? BigInt(flags.threshold.trim()) : this.error('--threshold must be a whole number of shares.', { exit: 2 })
    const result = await createDao(this.ctx, {
      modelId: this.args.modelId,
      settings: {
        votingDelay: flags['voting-delay'],
        votingPeriod: flags['voting-period'],
        proposalThreshold: threshold,
        quorumPercent: flags.quorum,
        superQuorumPercent: flags['super-quorum'],
        timelockDelay: flags['timelock-delay'] === undefined ? undefined : parseDuration(flags['timelock-delay']),
        guardian: flags.guardian as `0x${string}` | undefined,
      },
      onProgress: (e) => this.transactionProgress(e),
    })
    const s = result.settings
    this.log(`Model ${result.modelId} is governed by its DAO now.`)
    this.log(`  governor  ${result.governor}`)
    this.log(`  timelock  ${result.timelock} (the model's admin; delay ${s.timelockDelay} s)`)
    this.log(`  votes     ${result.votes}`)
    this.log(`  voting delay ${s.votingDelay} blocks, period ${s.votingPeriod} blocks, threshold ${s.proposalThreshold} shares, quorum ${s.quorumPercent}%, super quorum ${s.superQuorumPercent}%${s.guardian ? `, guardian ${s.guardian}` : ''}`)
    this.log(`Propose: \`modeldao dao propose dataset|version|params --model ${result.modelId} …\``)
    return result
  }
}
