/**
 * The arithmetic of spot checks. A validator probes a fraction `p` of a node's traffic (probes look like client
 * requests, so the node cannot tell them apart) and replays each probe; a node that cheats on a fraction `f` of its
 * requests is caught by a probe with probability `p·f` per request, assuming a replay catches every cheated response
 * (true for other weights and fewer layers; see the detection table for lower precision, where it is not).
 */

/** Probability that at least one of `n` requests exposes the cheat: 1 − (1 − p·f)^n. */
export function detectionProbability(probeRate: number, cheatFraction: number, requests: number): number {
  check(probeRate, cheatFraction)
  return 1 - (1 - probeRate * cheatFraction) ** requests
}

/** Requests after which the cheat is exposed with at least `confidence` (e.g. 0.99): ⌈ln(1 − c) / ln(1 − p·f)⌉. */
export function requestsToDetect(probeRate: number, cheatFraction: number, confidence: number): number {
  check(probeRate, cheatFraction)
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`)
  const q = probeRate * cheatFraction
  if (q === 0) return Number.POSITIVE_INFINITY
  if (q === 1) return 1
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - q))
}

/**
 * Whether cheating pays: each cheated request is probed with probability p, and a probed cheat loses the slashed
 * stake, so the expected loss per cheated request is p × slash. Cheating does not pay while p × slash > gain (what
 * serving the cheaper weights saves per request).
 */
export function cheatingPays(probeRate: number, slashedStake: number, gainPerRequest: number): { expectedLossPerRequest: number; pays: boolean; minProbeRate: number } {
  check(probeRate, 1)
  const expectedLossPerRequest = probeRate * slashedStake
  return { expectedLossPerRequest, pays: expectedLossPerRequest <= gainPerRequest, minProbeRate: slashedStake > 0 ? gainPerRequest / slashedStake : Number.POSITIVE_INFINITY }
}

function check(probeRate: number, cheatFraction: number) {
  for (const [name, v] of [['probe rate', probeRate], ['cheat fraction', cheatFraction]] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`the ${name} must lie in [0, 1], got ${v}`)
  }
}
