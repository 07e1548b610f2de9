import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { disputeRule } from '../../disputes/economics.js'
import { readChallenge, readDisputeParams, type ChallengeView } from '../../disputes/read.js'

export type ListChallengesParams = {
  /** Only this model's challenges. */
  modelId?: number | undefined
  /** Resolved challenges too (default: open ones only). */
  all?: boolean | undefined
}
export type ListChallengesReturnType = {
  account: Address
  /** This account as a validator: its free stake, the risk escrowed on unsettled votes (still its weight), whether it may vote. */
  validator: { stake: string; locked: string; active: boolean; unbondingEnd: string | null }
  /** The eligible validator stake now, and the rule each round runs by over it. */
  eligibleStake: string
  rule: { round: number; moves: string; economicStake: string; decidedBy: 'validators' | 'dao'; quorumStake: string; boughtQuorumLoses: string }[]
  challenges: (ChallengeView & { role: 'operator' | 'challenger' | 'payer' | 'validator' })[]
}
/** NOT_DEPLOYED, RPC_UNREACHABLE. */
export type ListChallengesErrorType = ModeldaoError

/**
 * The receipt challenges on this deployment (open ones by default), each with its phase, deadline, rounds, what is
 * at stake and this account's votes; and the account's validator standing with the rule the rounds run by.
 * @example const { challenges } = await listChallenges(md)
 */
export async function listChallenges(ctx: ModeldaoContext, params: ListChallengesParams = {}): Promise<ListChallengesReturnType> {
  const [connection, rc, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges'), ctx.deployments(), ctx.address()])
  const client = connection.publicClient
  const at = { address: rc.address, abi: rc.abi } as const
  const fromBlock = BigInt(deployments.contracts.ReceiptChallenges?.blockNumber ?? '0')
  const [params_, filed, v, eligible] = await Promise.all([
    readDisputeParams(ctx),
    client.getContractEvents({ ...at, eventName: 'ChallengeFiled', args: params.modelId === undefined ? {} : { modelId: BigInt(params.modelId) }, fromBlock }),
    client.readContract({ ...at, functionName: 'validatorOf', args: [account] }),
    client.readContract({ ...at, functionName: 'eligibleStake' }),
  ])
  const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase()
  const challenges = (
    await Promise.all(
      filed.map(async (log) => {
        const view = await readChallenge(ctx, log.args.challengeId!, account, params_)
        const role = same(view.operator, account) ? 'operator' : same(view.challenger, account) ? 'challenger' : same(view.payer, account) ? 'payer' : 'validator'
        return { ...view, role } as const
      }),
    )
  ).filter((c) => params.all || c.status === 'open')
  const rule = disputeRule(params_, eligible).rounds.map((r) => ({ round: r.round, moves: r.moves.toString(), economicStake: r.economicStake.toString(), decidedBy: r.decidedBy, quorumStake: r.quorumStake.toString(), boughtQuorumLoses: r.boughtQuorumLoses.toString() }))
  return {
    account,
    validator: { stake: v.stake.toString(), locked: v.locked.toString(), active: v.registeredAt !== 0 && v.unbondingEnd === 0, unbondingEnd: v.unbondingEnd ? new Date(v.unbondingEnd * 1000).toISOString() : null },
    eligibleStake: eligible.toString(),
    rule,
    challenges,
  }
}
