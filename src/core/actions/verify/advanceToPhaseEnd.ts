import type { Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { readChallenge } from '../../disputes/read.js'
import { advanceTime } from '../chain/advanceTime.js'

/**
 * Moves a local dev chain's clock to the end of a challenge's current phase (commit, reveal, appeal, delivery, the
 * DAO's window): the demo and tests live through a dispute's days in seconds. Dev chains only (NOT_A_DEV_CHAIN).
 * @example await advanceToPhaseEnd(md, challengeId)
 */
export async function advanceToPhaseEnd(ctx: ModeldaoContext, challengeId: Hex): Promise<void> {
  const { until } = await readChallenge(ctx, challengeId)
  if (until === null) throw new Error(`challenge ${challengeId} has no phase to wait out`)
  const { timestamp } = await (await ctx.chain()).publicClient.getBlock()
  await advanceTime(ctx, { seconds: Math.max(1, Date.parse(until) / 1000 - Number(timestamp)) })
}
