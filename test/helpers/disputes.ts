import type { Hex } from 'viem'
import type { ModeldaoContext } from '../../src/core/context/context.js'
import { advanceToPhaseEnd } from '../../src/core/actions/verify/advanceToPhaseEnd.js'
import { runCli, type CliResult } from './cli.js'

/**
 * One validator round through the CLI, as a validator does it: `validator vote` commits the verdict, then (in the
 * reveal phase) reveals it; nobody appeals; `validator resolve` ends it. Returns the resolve command's result.
 */
export async function voteRoundThroughCli(ctx: ModeldaoContext, home: string, challengeId: Hex, verdict: 'cheat' | 'honest', devAccount: number): Promise<CliResult> {
  const as = ['--dev-account', String(devAccount), '--json']
  const committed = await runCli(['validator', 'vote', challengeId, verdict, ...as], { home })
  if (committed.code !== 0) return committed
  await advanceToPhaseEnd(ctx, challengeId)
  const revealed = await runCli(['validator', 'vote', challengeId, ...as], { home })
  if (revealed.code !== 0) return revealed
  await advanceToPhaseEnd(ctx, challengeId) // the reveal phase
  await advanceToPhaseEnd(ctx, challengeId) // the appeal window
  return runCli(['validator', 'resolve', challengeId, ...as], { home })
}
