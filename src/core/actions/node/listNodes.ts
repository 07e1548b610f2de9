import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { requireModel } from '../shares/requireModel.js'
import { CHALLENGE_STATUS } from '../../disputes/read.js'
import { ProbeLog, type ProbeRecord } from '../../verify/probeLog.js'

export type ListNodesParams = {
  modelId: number | string
  /** Also ask each node's /health (2 s each, in parallel): a registration says nothing about whether it is up. */
  checkHealth?: boolean | undefined
}
export type ListedNode = {
  operator: Address
  endpoint: string
  prices: { perRequest: string; perOutputToken: string }
  stake: string
  /** Receipt challenges against this operator on this model: won by the challenger (cheats proven), lost, open. */
  challenges: { upheld: number; rejected: number; open: number }
  /** This home's own spot checks of the node (validator run): probes replayed, passed, failed, unverifiable. */
  probes: ProbeRecord
  /** With `checkHealth`: whether the endpoint answered its /health as a node serving this model. */
  health?: 'up' | 'down' | undefined
}
export type ListNodesReturnType = { modelId: number; nodes: ListedNode[] }
/** MODEL_UNKNOWN, chain errors. */
export type ListNodesErrorType = ModeldaoError


/**
 * The nodes registered to serve a model (NodeRegistry), with their prices, stake and reputation: how many receipt
 * challenges against them were upheld (a proven cheat), rejected, or are still open, and the pass rate of this home's own
 * spot checks of them.
 * @example const { nodes } = await listNodes(md, { modelId: 1 })
 */
export async function listNodes(ctx: ModeldaoContext, params: ListNodesParams): Promise<ListNodesReturnType> {
  const modelId = await requireModel(ctx, params.modelId)
  const [connection, registry, challenges, deployments] = await Promise.all([ctx.chain(), ctx.contract('NodeRegistry'), ctx.contract('ReceiptChallenges'), ctx.deployments()])
  const client = connection.publicClient
  const id = BigInt(modelId)
  const operators = await client.readContract({ address: registry.address, abi: registry.abi, functionName: 'operatorsOf', args: [id] })
  const fromBlock = BigInt(deployments.contracts.ReceiptChallenges?.blockNumber ?? '0')
  const filed = await client.getContractEvents({ address: challenges.address, abi: challenges.abi, eventName: 'ChallengeFiled', args: { modelId: id }, fromBlock })
  const states = await Promise.all(filed.map((log) => client.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'challengeOf', args: [log.args.challengeId!] })))
  const log = new ProbeLog(ctx.home.validator)
  const nodes = await Promise.all(
    operators.map(async (operator): Promise<ListedNode> => {
      const r = await client.readContract({ address: registry.address, abi: registry.abi, functionName: 'registration', args: [id, operator] })
      const counts = { upheld: 0, rejected: 0, open: 0 }
      filed.forEach((log, i) => {
        if (log.args.operator?.toLowerCase() !== operator.toLowerCase()) return
        const status = CHALLENGE_STATUS[states[i]!.status]
        if (status === 'upheld' || status === 'rejected' || status === 'open') counts[status]++
      })
      const probes = log.record(connection.chainId, String(modelId), operator)
      const health = params.checkHealth ? await nodeHealth(r.endpoint, modelId) : undefined
      return { operator, endpoint: r.endpoint, prices: { perRequest: r.prices.perRequest.toString(), perOutputToken: r.prices.perOutputToken.toString() }, stake: r.stake.toString(), challenges: counts, probes, ...(health ? { health } : {}) }
    }),
  ).finally(() => log.close())
  return { modelId, nodes }
}

/** Whether a node answers its /health for `modelId` within 2 s. */
async function nodeHealth(endpoint: string, modelId: number): Promise<'up' | 'down'> {
  try {
    const response = await fetch(`${endpoint.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(2_000) })
    const body = (await response.json()) as { status?: string; model?: string }
    return response.ok && body.status === 'ok' && body.model === String(modelId) ? 'up' : 'down'
  } catch {
    return 'down'
  }
}
