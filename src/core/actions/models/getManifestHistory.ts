import type { ModeldaoContext } from '../../context/context.js'

export type ManifestVersion = {
  manifestCid: string
  /** The block (and its time) from which it was canonical. */
  fromBlock: bigint
  fromTime: number
  /** The block (and time) at which the next version replaced it; undefined while canonical. */
  untilBlock?: bigint | undefined
  untilTime?: number | undefined
}
export type GetManifestHistoryReturnType = ManifestVersion[]

/**
 * The model's weights versions in order, read from ModelShares' ModelCreated and ManifestChanged events: which manifest
 * was canonical from which block to which. The last one is canonical now.
 * @example const versions = await getManifestHistory(md, { modelId: 1n })
 */
export async function getManifestHistory(ctx: ModeldaoContext, params: { modelId: bigint }): Promise<GetManifestHistoryReturnType> {
  const [connection, shares, deployments] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.deployments()])
  const client = connection.publicClient
  const fromBlock = BigInt(deployments.contracts.ModelShares?.blockNumber ?? '0')
  const [created, changed] = await Promise.all([
    client.getContractEvents({ address: shares.address, abi: shares.abi, eventName: 'ModelCreated', args: { id: params.modelId }, fromBlock }),
    client.getContractEvents({ address: shares.address, abi: shares.abi, eventName: 'ManifestChanged', args: { id: params.modelId }, fromBlock }),
  ])
  const events = [...created, ...changed].sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1))
  const times = new Map<bigint, number>()
  for (const block of new Set(events.map((e) => e.blockNumber))) times.set(block, Number((await client.getBlock({ blockNumber: block })).timestamp))
  const versions: ManifestVersion[] = []
  for (const event of events) {
    const manifestCid = event.args.manifestCid ?? ''
    const previous = versions.at(-1)
    if (previous) {
      previous.untilBlock = event.blockNumber
      previous.untilTime = times.get(event.blockNumber)
    }
    versions.push({ manifestCid, fromBlock: event.blockNumber, fromTime: times.get(event.blockNumber) ?? 0 })
  }
  return versions
}
