import { Flags } from '@oclif/core'
import { signerFlags } from '../../../cli/baseCommand.js'
import { ProposeCommand } from '../../../cli/proposeCommand.js'
import { addressFlag } from '../../../cli/flags.js'
import { proposeFlags } from '../../../cli/governance.js'
import type { ProposeReturnType } from '../../../core/actions/dao/propose.js'
import { parseTokenAmount } from '../../../core/shares/market.js'

const bps = (text: string | undefined, flag: string): number | undefined => {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > 100 || Math.round(value * 100) !== value * 100) throw new Error(`${flag} must be a percentage from 0 to 100 with at most two decimals, got "${text}".`)
  return Math.round(value * 100)
}

export default class DaoProposeParams extends ProposeCommand<typeof DaoProposeParams> {
  static override summary = "Propose changing a model's parameters: price, fee share, royalty receiver, governor settings, staking cut."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --model 1 --price 0.002',
    '<%= config.bin %> <%= command.id %> --model 1 --fee-share 75 --voting-period 200 --quorum 10',
    '<%= config.bin %> <%= command.id %> --model 1 --staking-cut 2.5 --rationale "Reward holders more" --json',
  ]
  static override flags = {
    ...signerFlags,
    ...proposeFlags,
    price: Flags.string({ summary: 'Price per request in the payment token (e.g. 0.002).' }),
    'fee-share': Flags.string({ summary: "Shareholders' share of each payment, percent (scheduled: effective 8 days after execution, at most 10 points a step)." }),
    'royalty-receiver': addressFlag({ summary: 'Who receives resale royalties.' }),
    'voting-delay': Flags.integer({ summary: 'Blocks from a proposal to its snapshot.', min: 0 }),
    'voting-period': Flags.integer({ summary: 'Blocks of voting.', min: 1 }),
    threshold: Flags.string({ summary: 'Shares needed to propose.' }),
    quorum: Flags.integer({ summary: 'Quorum, percent of the shares that can vote.', min: 0, max: 100 }),
    'super-quorum': Flags.integer({ summary: 'Super quorum, percent.', min: 0, max: 100 }),
    'staking-cut': Flags.string({ summary: "Shareholders' cut of losing quality stakes, percent (at most 20)." }),
  }

  async run(): Promise<ProposeReturnType> {
    const { flags } = this
    let feeShareBps: number | undefined
    let stakingCutBps: number | undefined
    try {
      feeShareBps = bps(flags['fee-share'], '--fee-share')
      stakingCutBps = bps(flags['staking-cut'], '--staking-cut')
    } catch (error) {
      this.error((error as Error).message, { exit: 2 })
    }
    if (flags.threshold !== undefined && !/^\d+$/.test(flags.threshold.trim())) this.error('--threshold must be a whole number of shares.', { exit: 2 })
    let pricePerRequest: bigint | undefined
    if (flags.price !== undefined) {
      pricePerRequest = parseTokenAmount(flags.price, (await this.paymentToken()).decimals, '--price', { allowZero: true })
    }
    return this.proposeContent({
        kind: 'params',
        change: {
          pricePerRequest,
          feeShareBps,
          royaltyReceiver: flags['royalty-receiver'] as `0x${string}` | undefined,
          votingDelay: flags['voting-delay'],
          votingPeriod: flags['voting-period'],
          proposalThreshold: flags.threshold === undefined ? undefined : BigInt(flags.threshold.trim()),
          quorumPercent: flags.quorum,
          superQuorumPercent: flags['super-quorum'],
          stakingCutBps,
        },
      })
  }
}
