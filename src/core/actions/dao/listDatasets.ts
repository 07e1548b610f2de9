import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { requireModel } from '../shares/requireModel.js'

export type ListDatasetsParams = { modelId: number | string; history?: boolean | undefined }
export type DatasetEntry = { cid: string; name: string; license: string; sizeBytes: string; descriptionCid: string }
export type ListDatasetsReturnType = {
  modelId: number
  datasets: DatasetEntry[]
  /** Every inclusion and removal, oldest first (with `history`). */
  history?: { included: boolean; blockNumber: number; cid: string }[] | undefined
}
/** MODEL_UNKNOWN, chain errors. */
export type ListDatasetsErrorType = ModeldaoError

/**
 * The datasets a model's DAO included for its next training run (DatasetRegistry), and optionally the history of
 * every inclusion and removal.
 * @example const { datasets } = await listDatasets(md, { modelId: 1 })
 */
export async function listDatasets(ctx: ModeldaoContext, params: ListDatasetsParams): Promise<ListDatasetsReturnType> {
  const modelId = await requireModel(ctx, params.modelId)
  const [connection, registry] = await Promise.all([ctx.chain(), ctx.contract('DatasetRegistry')])
  const at = { address: registry.address, abi: registry.abi } as const
  const id = BigInt(modelId)
  const [list, history] = await Promise.all([
    connection.publicClient.readContract({ ...at, functionName: 'datasets', args: [id] }),
    params.history ? connection.publicClient.readContract({ ...at, functionName: 'history', args: [id] }) : undefined,
  ])
  return {
    modelId,
    datasets: list.map((d) => ({ cid: d.cid, name: d.name, license: d.license, sizeBytes: d.sizeBytes.toString(), descriptionCid: d.descriptionCid })),
    history: history?.map((h) => ({ included: h.included, blockNumber: Number(h.blockNumber), cid: h.cid })),
  }
}
