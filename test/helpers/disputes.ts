import type { Hex } from 'viem'
import { advanceTime } from '../../src/core/actions/chain/advanceTime.js'
import type { ModeldaoContext } from '../../src/core/context/context.js'
import { readChallenge } from '../../src/core/disputes/read.js'
import { runCli, type CliResult } from './cli.js'

/** Advances the local chain to the end of the challenge's current phase. */
export async function toPhaseEnd(ctx: ModeldaoContext, challengeId: Hex): Promise<void> {
  const { until } = await readChallenge(ctx, challengeId)
  if (until === null) throw new Error(`challenge ${challengeId} has no phase to wait out`)
  const { timestamp } = await (await ctx.chain()).publicClient.getBlock()
  await advanceTime(ctx, { seconds: Math.max(1, Date.parse(until) / 1000 - Number(timestamp)) })
}

/**
 * One validator round through the CLI, as a validator does it: `validator vote` commits the verdict, then (in the
 * reveal phase) reveals it; nobody appeals; `validator resolve` ends it. Returns the resolve command's result.
 */
export async function voteRoundThroughCli(ctx: ModeldaoContext, home: string, challengeId: Hex, verdict: 'cheat' | 'honest', devAccount: number): Promise<CliResult> {
  const as = ['--dev-account', String(devAccount), '--json']
  const committed = await runCli(['validator', 'vote', challengeId, verdict, ...as], { home })
  if (committed.code !== 0) return committed
  await toPhaseEnd(ctx, challengeId)
  const revealed = await runCli(['validator', 'vote', challengeId, ...as], { home })
  if (revealed.code !== 0) return revealed
  await toPhaseEnd(ctx, challengeId) // the reveal phase
  await toPhaseEnd(ctx, challengeId) // the appeal window
  return runCli(['validator', 'resolve', challengeId, ...as], { home })
}
