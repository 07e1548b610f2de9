import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { ModelUnknownError } from '../../models/errors.js'

export type ResolveModelRefParams = {
  /** A model id on chain (digits) or a manifest CID. */
  ref: string
}
export type ResolveModelRefReturnType = { manifestCid: string; modelId?: string | undefined }
/** CID_INVALID, MODEL_UNKNOWN, and chain errors when `ref` is a model id. */
export type ResolveModelRefErrorType = ModeldaoError

/**
 * A model reference as a manifest CID: a CID is taken as given; digits are a model id read from ModelShares.
 * @example const { manifestCid } = await resolveModelRef(md, { ref: '1' })
 */
export async function resolveModelRef(ctx: ModeldaoContext, params: ResolveModelRefParams): Promise<ResolveModelRefReturnType> {
  const ref = params.ref.trim()
  if (!/^\d+$/.test(ref)) return { manifestCid: parseCid(ref).toString() }
  return { manifestCid: await manifestCidOf(ctx, BigInt(ref)), modelId: ref }
}

/** The manifest CID a model id points to on chain. @throws {ModelUnknownError} */
async function manifestCidOf(ctx: ModeldaoContext, modelId: bigint): Promise<string> {
  const [connection, shares] = await Promise.all([ctx.chain(), ctx.contract('ModelShares')])
  let cid: string
  try {
    cid = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'manifestCid', args: [modelId] })
  } catch (error) {
    throw new ModelUnknownError(modelId, connection.chainId, error)
  }
  // An id that was never created reads as the empty string, not as a revert.
  if (cid === '') throw new ModelUnknownError(modelId, connection.chainId)
  return cid
}
