import type { Address, Hex } from 'viem'
import type { ModeldaoContext } from '../context/context.js'
import { quorumStake, type DisputeParams } from './economics.js'

export type ChallengeStatus = 'none' | 'open' | 'upheld' | 'rejected'
/** ReceiptChallenges' Status enum, in order. */
export const CHALLENGE_STATUS: readonly ChallengeStatus[] = ['none', 'open', 'upheld', 'rejected']
export type ChallengePhase = 'closed' | 'commit' | 'reveal' | 'appeal' | 'dao' | 'resolvable' | 'delivery'
/** ReceiptChallenges' Phase enum, in order. */
export const CHALLENGE_PHASES: readonly ChallengePhase[] = ['closed', 'commit', 'reveal', 'appeal', 'dao', 'resolvable', 'delivery']

/** One validator round's tally (amounts in payment-token base units, as decimal strings). */
export type RoundView = {
  round: number
  snapshot: string
  /** Stake that must reveal for the verdict to count. */
  quorum: string
  cheat: string
  honest: string
  atRisk: string
  /** The verdict so far: the heavier side once the quorum revealed, else honest (the burden of proof). */
  verdict: 'cheat' | 'honest'
  quorumReached: boolean
}

/** An account's vote in a round, as the contract holds it. */
export type BallotView = { round: number; weight: string; risk: string; revealed: boolean; cheat: boolean; settled: boolean }

/** A receipt challenge and where it stands, read from the chain (amounts in base units, times ISO 8601). */
export type ChallengeView = {
  challengeId: Hex
  modelId: string
  operator: Address
  challenger: Address
  payer: Address
  status: ChallengeStatus
  /** When it was filed (ISO 8601). */
  filedAt: string
  phase: ChallengePhase
  /** When the phase ends (null: it does not, or the challenge is closed). */
  until: string | null
  /** The current round; `validatorRounds` when the model's DAO decides. */
  round: number
  atDao: boolean
  appeals: number
  /** Every bond posted (filing and appeals): the winning side takes them all. */
  bonds: string
  /** The slash a proven cheat loses (capped at its stake). */
  slash: string
  /** The final outcome once resolved, else the last validator verdict. */
  verdict: 'cheat' | 'honest'
  rounds: RoundView[]
  /** This account's votes, when one was asked for. */
  ballots?: BallotView[] | undefined
}

/** The contract's dispute parameters. */
export async function readDisputeParams(ctx: ModeldaoContext): Promise<DisputeParams> {
  const [connection, rc] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges')])
  const read = <F extends 'minValidatorStake' | 'challengeBond' | 'slashAmount' | 'challengerShareBps' | 'payerShareBps' | 'quorumBps' | 'penaltyBps' | 'validatorRounds'>(functionName: F) =>
    connection.publicClient.readContract({ address: rc.address, abi: rc.abi, functionName })
  const [minValidatorStake, challengeBond, slashAmount, challengerShareBps, payerShareBps, quorumBps, penaltyBps, validatorRounds] = await Promise.all([
    read('minValidatorStake'),
    read('challengeBond'),
    read('slashAmount'),
    read('challengerShareBps'),
    read('payerShareBps'),
    read('quorumBps'),
    read('penaltyBps'),
    read('validatorRounds'),
  ])
  return { minValidatorStake, challengeBond, slashAmount, challengerShareBps, payerShareBps, quorumBps, penaltyBps, validatorRounds }
}

const iso = (seconds: bigint) => (seconds === 0n ? null : new Date(Number(seconds) * 1000).toISOString())

/** Reads challenge `challengeId`: its state, phase, rounds and (given `account`) that account's votes. */
export async function readChallenge(ctx: ModeldaoContext, challengeId: Hex, account?: Address | undefined, params?: DisputeParams | undefined): Promise<ChallengeView> {
  const [connection, rc] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges')])
  const client = connection.publicClient
  const at = { address: rc.address, abi: rc.abi } as const
  const [p, c, [phase, until], bonds] = await Promise.all([
    params ?? readDisputeParams(ctx),
    client.readContract({ ...at, functionName: 'challengeOf', args: [challengeId] }),
    client.readContract({ ...at, functionName: 'phaseOf', args: [challengeId] }),
    client.readContract({ ...at, functionName: 'bondsOf', args: [challengeId] }),
  ])
  const reached = Math.min(c.round, p.validatorRounds - 1)
  const indices = Array.from({ length: reached + 1 }, (_, i) => i)
  const tallies = await Promise.all(indices.map((round) => client.readContract({ ...at, functionName: 'roundOf', args: [challengeId, round] })))
  const rounds: RoundView[] = tallies
    .map((r, round) => {
      const quorum = quorumStake(p, r.snapshot)
      const quorumReached = r.snapshot > 0n && r.cheatWeight + r.honestWeight >= quorum
      return { round, snapshot: r.snapshot.toString(), quorum: quorum.toString(), cheat: r.cheatWeight.toString(), honest: r.honestWeight.toString(), atRisk: r.atRisk.toString(), verdict: quorumReached && r.cheatWeight > r.honestWeight ? ('cheat' as const) : ('honest' as const), quorumReached }
    })
    .filter((r) => r.snapshot !== '0')
  const ballots = account
    ? (await Promise.all(rounds.map(async ({ round }) => ({ round, b: await client.readContract({ ...at, functionName: 'ballotOf', args: [challengeId, round, account] }) }))))
        .filter(({ b }) => b.weight > 0n)
        .map(({ round, b }) => ({ round, weight: b.weight.toString(), risk: b.risk.toString(), revealed: b.revealed, cheat: b.cheat, settled: b.settled }))
    : undefined
  const status = CHALLENGE_STATUS[c.status] ?? 'none'
  const atDao = c.round >= p.validatorRounds
  const current = rounds.find((r) => r.round === c.round)
  const verdict = status === 'open' && current && !atDao ? current.verdict : c.verdict ? 'cheat' : 'honest'
  return {
    challengeId,
    modelId: c.modelId.toString(),
    operator: c.operator,
    challenger: c.challenger,
    payer: c.payer,
    status,
    filedAt: new Date(c.filedAt * 1000).toISOString(),
    phase: CHALLENGE_PHASES[phase] ?? 'closed',
    until: iso(until),
    round: c.round,
    atDao,
    appeals: c.appeals,
    bonds: bonds.toString(),
    slash: p.slashAmount.toString(),
    verdict,
    rounds,
    ballots,
  }
}

