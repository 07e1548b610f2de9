/**
 * The arithmetic of receipt disputes, exactly as ReceiptChallenges computes it (bigint, base units, basis points).
 *
 * A validator's vote weighs its stake and escrows `penaltyBps` of it; a round counts when `quorumBps` of the stake
 * snapshot reveals. Whoever buys a round's quorum outright holds at least `quorumBps × snapshot` and risks a
 * `penaltyBps` share of it, lost to the validators who vote the final outcome when an appeal overturns the bought
 * verdict. Validators decide a round only when that risk is at least what the round moves (the slash, or every bond
 * posted up to it): `snapshot × quorumBps × penaltyBps ≥ moved × 10,000²`. Below that stake the challenge goes to the
 * model's DAO.
 */

const BPS = 10_000n

/** ReceiptChallenges' dispute parameters (its constructor `Params`). */
export type DisputeParams = {
  minValidatorStake: bigint
  challengeBond: bigint
  slashAmount: bigint
  challengerShareBps: number
  payerShareBps: number
  quorumBps: number
  penaltyBps: number
  validatorRounds: number
}

/** Every bond posted once a challenge reaches round `round` (the filing's, and `challengeBond × 2^k` per appeal k). */
export function bondsUpTo(params: DisputeParams, round: number): bigint {
  return params.challengeBond * ((2n << BigInt(round)) - 1n)
}

/** What round `round` can move at most: the slash and every bond posted up to it. */
export function roundStakes(params: DisputeParams, round: number): bigint {
  return params.slashAmount + bondsUpTo(params, round)
}

/** The least stake snapshot with which validators decide round `round` (the contract's `economicStake`). */
export function economicStake(params: DisputeParams, round: number): bigint {
  const share = BigInt(params.quorumBps) * BigInt(params.penaltyBps)
  return (roundStakes(params, round) * BPS * BPS + share - 1n) / share
}

/** The least stake that reaches a round's quorum alone, over `snapshot`. */
export function quorumStake(params: DisputeParams, snapshot: bigint): bigint {
  return (snapshot * BigInt(params.quorumBps) + BPS - 1n) / BPS
}

/** What a vote of `weight` escrows: lost if it is not on the final outcome (or never revealed). */
export function voteRisk(params: DisputeParams, weight: bigint): bigint {
  return (weight * BigInt(params.penaltyBps)) / BPS
}

/** How a proven cheat's slash of `slashed` is split (the payer's share capped at what it `paid`). */
export function slashSplit(params: DisputeParams, slashed: bigint, paid: bigint): { toChallenger: bigint; toPayer: bigint; burned: bigint } {
  const toChallenger = (slashed * BigInt(params.challengerShareBps)) / BPS
  let toPayer = (slashed * BigInt(params.payerShareBps)) / BPS
  if (toPayer > paid) toPayer = paid
  return { toChallenger, toPayer, burned: slashed - toChallenger - toPayer }
}

/**
 * The rule in numbers, for a validator stake snapshot: who decides each round, what a sybil quorum must hold and what
 * it loses if overturned, against what the round moves.
 */
export function disputeRule(params: DisputeParams, snapshot: bigint) {
  const rounds = Array.from({ length: params.validatorRounds }, (_, round) => {
    const needed = economicStake(params, round)
    const quorum = quorumStake(params, snapshot)
    return {
      round,
      moves: roundStakes(params, round),
      economicStake: needed,
      decidedBy: snapshot >= needed ? ('validators' as const) : ('dao' as const),
      quorumStake: quorum,
      boughtQuorumLoses: voteRisk(params, quorum),
    }
  })
  return { snapshot, cheatLoses: params.slashAmount, rounds }
}
