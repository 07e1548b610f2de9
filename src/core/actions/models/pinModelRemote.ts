import type { ModeldaoContext } from '../../context/context.js'
import { InterruptedError, type ModeldaoError } from '../../errors/base.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { createPinningClient, type WaitForPinProgress } from '../../ipfs/pinning/client.js'
import { PinFailedError, PinningOriginRequiredError } from '../../ipfs/pinning/errors.js'
import { resolvePinningToken, type PinningTokenSource } from '../../ipfs/pinning/token.js'
import type { PinStatus } from '../../ipfs/pinning/types.js'
import { manifestAt } from '../../models/modelDag.js'
import { resolveModelRef } from './resolveModelRef.js'

export type PinModelRemoteParams = PinningTokenSource & {
  /** A model id on chain or a manifest CID. */
  ref: string
  /** Base URL of an IPFS Pinning Service API. */
  service: string
  /** Where the service fetches from: libp2p multiaddrs or trustless gateway URLs. Needed unless it has the model. */
  origins?: readonly string[] | undefined
  /** The pin's name at the service (default: the model's name, when its card is in the local repo). */
  name?: string | undefined
  /** Follow the request until pinned or failed (default true). */
  wait?: boolean | undefined
  signal?: AbortSignal | undefined
  /** Each status read while waiting. */
  onProgress?: ((progress: WaitForPinProgress) => void) | undefined
}
export type PinModelRemoteReturnType = {
  manifestCid: string
  modelId?: string | undefined
  service: string
  /** The request at the service, as last read: `pinned` when waited for, else likely `queued`. */
  request: PinStatus
  /** True when the service already had a live request for this CID, which was followed rather than duplicated. */
  existing: boolean
}
/**
 * PINNING_TOKEN_MISSING, PINNING_SERVICE_UNREACHABLE, PINNING_UNAUTHORIZED, PINNING_REQUEST_REJECTED,
 * PINNING_SERVICE_FAILED, PINNING_ORIGIN_REQUIRED, PIN_FAILED, INTERRUPTED, CID_INVALID, MODEL_UNKNOWN.
 */
export type PinModelRemoteErrorType = ModeldaoError

/**
 * Asks a remote pinning service to keep a model: the service fetches the model card and every file from the origins,
 * verifies each block, and pins them, so the model stays available while this machine is off. A live request the
 * service already has for the model is followed instead of adding another.
 * @example
 * const { request } = await pinModelRemote(md, {
 *   ref: '1', service: 'https://pin.example.com', token: process.env.MODELDAO_PINNING_TOKEN,
 *   origins: ['/ip4/203.0.113.5/tcp/4001/p2p/12D3Koo…'],
 * })
 */
export async function pinModelRemote(ctx: ModeldaoContext, params: PinModelRemoteParams): Promise<PinModelRemoteReturnType> {
  const { manifestCid, modelId } = await resolveModelRef(ctx, params)
  const { token, source } = await resolvePinningToken(params)
  const client = createPinningClient({ url: params.service, token, tokenSource: source })
  const origins = [...new Set(params.origins ?? [])]
  try {
    const live = await client.list({ cid: [manifestCid], status: ['pinned', 'pinning', 'queued'], limit: 1 }, { signal: params.signal })
    let request = live.results[0]
    const existing = request !== undefined
    if (!request) {
      if (!origins.length) throw new PinningOriginRequiredError(manifestCid, client.url)
      const name = params.name ?? (await localModelName(ctx, manifestCid))
      request = await client.add({ cid: manifestCid, ...(name ? { name } : {}), origins }, { signal: params.signal })
    }
    if (params.wait !== false && request.status !== 'pinned') {
      params.onProgress?.({ status: request, seconds: 0 })
      request = await client.waitForPin(request.requestid, { signal: params.signal, onProgress: params.onProgress })
    }
    if (request.status === 'failed') throw new PinFailedError(manifestCid, client.url, request.info?.status_details)
    return { manifestCid, ...(modelId ? { modelId } : {}), service: client.url, request, existing }
  } catch (error) {
    if (params.signal?.aborted) {
      throw new InterruptedError('Waiting for the remote pin', 'The service keeps working on it: run the same command again to follow it.')
    }
    throw error
  }
}

/** The model card's name when the card is in the local repo (a nicer pin name than nothing); never fetches. */
async function localModelName(ctx: ModeldaoContext, manifestCid: string): Promise<string | undefined> {
  const repo = ctx.repo()
  const cid = parseCid(manifestCid)
  if (!repo.blockstore.has(cid)) return undefined
  const manifest = await manifestAt(cid, (c) => repo.blockstore.getBytes(c)).catch(() => undefined)
  return manifest?.name
}
