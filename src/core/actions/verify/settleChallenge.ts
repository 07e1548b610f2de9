import type { Hash, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { readChallenge, type ChallengeView } from '../../disputes/read.js'
import { ensureAllowance } from '../../shares/approvals.js'
import { readToken } from '../../shares/market.js'
import { writeProtocol } from '../chain/writeProtocol.js'

export type SettleChallengeParams = {
  challengeId: Hex
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
/** What a resolution moved (base units): the slash and where it went. */
export type ChallengeResolution = { slashed: string; toChallenger: string; toOperator: string; toPayer: string; burned: string }
export type SettleChallengeReturnType = {
  challengeId: Hex
  challenge: ChallengeView
  /** When this transaction resolved it. */
  resolution?: ChallengeResolution | undefined
  transactionHash: Hash
}
/** REVERT_RECEIPT_CHALLENGES_WRONG_PHASE (not resolvable yet), …_NOT_OPEN. */
export type SettleChallengeErrorType = ModeldaoError

/**
 * Resolves a receipt challenge whose last validator round went unappealed (its verdict stands) or whose DAO window
 * ended without a decision (the last verdict stands). Anyone may. A proven cheat is slashed: part to the challenger,
 * part to the harmed payer (at most what it paid), the rest burned, none to those who decide; every bond goes to the
 * side that won.
 * @example await settleChallenge(md, { challengeId })
 */
export async function settleChallenge(ctx: ModeldaoContext, params: SettleChallengeParams): Promise<SettleChallengeReturnType> {
  const { hash, events } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'resolve', args: [params.challengeId], onProgress: params.onProgress })
  const resolved = events.find((e) => e.eventName === 'ChallengeResolved')
  return {
    challengeId: params.challengeId,
    challenge: await readChallenge(ctx, params.challengeId),
    resolution:
      resolved?.eventName === 'ChallengeResolved'
        ? { slashed: resolved.args.slashed.toString(), toChallenger: resolved.args.toChallenger.toString(), toOperator: resolved.args.toOperator.toString(), toPayer: resolved.args.toPayer.toString(), burned: resolved.args.burned.toString() }
        : undefined,
    transactionHash: hash,
  }
}

export type AppealChallengeReturnType = { challengeId: Hex; bond: string; challenge: ChallengeView; transactionHash: Hash }

/**
 * Appeals the current round's verdict, as the side it went against (the operator after "cheat", the challenger after
 * "honest"): posts the rising bond (2×, then 4× the filing bond) and opens a new validator round over a new stake
 * snapshot, or sends the challenge to the model's DAO after the last.
 * @example await appealChallenge(md, { challengeId })
 */
export async function appealChallenge(ctx: ModeldaoContext, params: SettleChallengeParams): Promise<AppealChallengeReturnType> {
  const [connection, rc, deployments, account] = await Promise.all([ctx.chain(), ctx.contract('ReceiptChallenges'), ctx.deployments(), ctx.signer()])
  const [c, filingBond] = await Promise.all([
    connection.publicClient.readContract({ address: rc.address, abi: rc.abi, functionName: 'challengeOf', args: [params.challengeId] }),
    connection.publicClient.readContract({ address: rc.address, abi: rc.abi, functionName: 'challengeBond' }),
  ])
  const bond = filingBond << BigInt(c.round + 1)
  await ensureAllowance(connection, account, { token: await readToken(connection, deployments.paymentToken), spender: rc.address, amount: bond, onProgress: params.onProgress })
  const { hash } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'appeal', args: [params.challengeId], onProgress: params.onProgress })
  return { challengeId: params.challengeId, bond: bond.toString(), challenge: await readChallenge(ctx, params.challengeId), transactionHash: hash }
}

export type ClaimChallengeVotesReturnType = { challengeId: Hex; claims: { round: number; paid: string; toStake: boolean; transactionHash: Hash }[] }

/**
 * Settles this account's votes on a resolved challenge: each vote revealed on the final outcome gets its escrowed risk
 * back plus its weight's share of what the others risked (back into its stake while it is a registered validator).
 * Votes against the outcome, or never revealed, have nothing to claim (their escrow stops weighing when anyone settles
 * them, or at the validator's next vote).
 * @example const { claims } = await claimChallengeVotes(md, { challengeId })
 */
export async function claimChallengeVotes(ctx: ModeldaoContext, params: SettleChallengeParams): Promise<ClaimChallengeVotesReturnType> {
  const account = await ctx.address()
  const challenge = await readChallenge(ctx, params.challengeId, account)
  const claims: ClaimChallengeVotesReturnType['claims'] = []
  if (challenge.status !== 'upheld' && challenge.status !== 'rejected') return { challengeId: params.challengeId, claims }
  for (const ballot of challenge.ballots ?? []) {
    if (ballot.settled || !ballot.revealed || ballot.cheat !== (challenge.verdict === 'cheat')) continue
    const { hash, events } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'settleVote', args: [params.challengeId, ballot.round, account], onProgress: params.onProgress })
    const settled = events.find((e) => e.eventName === 'VoteSettled')
    if (settled?.eventName === 'VoteSettled') claims.push({ round: ballot.round, paid: settled.args.paid.toString(), toStake: settled.args.toStake, transactionHash: hash })
  }
  return { challengeId: params.challengeId, claims }
}

export type WithdrawChallengeCreditsReturnType = { account: Hex; amount: string; transactionHash: Hash }

/**
 * Withdraws this account's credits from receipt challenges: bonds won, a challenger's or a harmed payer's share of a
 * slash, vote claims of a validator no longer registered.
 * @example const { amount } = await withdrawChallengeCredits(md)
 */
export async function withdrawChallengeCredits(ctx: ModeldaoContext, params: Pick<SettleChallengeParams, 'onProgress'> = {}): Promise<WithdrawChallengeCreditsReturnType> {
  const account = await ctx.address()
  const { hash, events } = await writeProtocol(ctx, { contract: 'ReceiptChallenges', functionName: 'withdraw', args: [], onProgress: params.onProgress })
  const paid = events.find((e) => e.eventName === 'CreditsWithdrawn')
  return { account, amount: paid?.eventName === 'CreditsWithdrawn' ? paid.args.amount.toString() : '0', transactionHash: hash }
}
