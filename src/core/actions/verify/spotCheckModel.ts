import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { describeCause, ModeldaoError } from '../../errors/base.js'
import { listNodes } from '../node/listNodes.js'
import { spotCheck, type SpotCheckParams, type SpotCheckReturnType } from './spotCheck.js'

export type SpotCheckModelParams = Omit<SpotCheckParams, 'url' | 'operator'> & {
  /** Probe only this node (its URL); default: every node registered for the model in NodeRegistry. */
  node?: string | undefined
  /** A node's checks begin. */
  onNode?: ((node: { url: string; operator: Address | undefined }) => void) | undefined
  /** A node's checks ended (its result, or its error). */
  onNodeDone?: ((node: SpotCheckedNode) => void) | undefined
}
export type SpotCheckedNode = (SpotCheckReturnType & { url: string }) | { url: string; operator?: Address | undefined; error: ModeldaoError }
export type SpotCheckModelReturnType = { modelId: string; nodes: SpotCheckedNode[] }
export type SpotCheckModelErrorType = ModeldaoError

/**
 * Spot-checks every node registered for a model (or one node): each gets `probes` paid requests, checked and replayed
 * as `spotCheck` does. A node that is down or refuses is recorded with its error and does not stop the others.
 * @example const { nodes } = await spotCheckModel(md, { modelId: 1, probes: 4 })
 */
export async function spotCheckModel(ctx: ModeldaoContext, params: SpotCheckModelParams): Promise<SpotCheckModelReturnType> {
  const { node, onNode, onNodeDone, ...check } = params
  const targets = node ? [{ url: node, operator: undefined as Address | undefined }] : (await listNodes(ctx, { modelId: params.modelId })).nodes.map((n) => ({ url: n.endpoint, operator: n.operator as Address | undefined }))
  const nodes: SpotCheckedNode[] = []
  for (const target of targets) {
    onNode?.(target)
    try {
      nodes.push({ ...(await spotCheck(ctx, { ...check, url: target.url, operator: target.operator })), url: target.url })
    } catch (error) {
      // One node down or refusing must not stop the checks of the others.
      const known = error instanceof ModeldaoError ? error : new ModeldaoError('INTERNAL', `Checking ${target.url} failed: ${(error as Error)?.message ?? String(error)}`, { details: describeCause(error), cause: error })
      nodes.push({ url: target.url, operator: target.operator, error: known })
    }
    onNodeDone?.(nodes.at(-1)!)
  }
  return { modelId: String(params.modelId), nodes }
}
