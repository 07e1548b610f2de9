import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { InferenceEngine, type GpuChoice } from '../../serving/engine.js'
import type { ReceiptDraft } from '../../receipts/draft.js'
import { resolveServedWeights } from '../../serving/weights.js'
import { getManifestHistory } from '../models/getManifestHistory.js'
import { ReceiptMalformedError } from '../../receipts/errors.js'
import { checkExchange, checkTokens, type Exchange, type ReceiptFault, type ReceiptFaultReason } from '../../receipts/check.js'
import { tokenizerOf } from '../../verify/replay.js'
import { replayReceipt, type ReplayReceiptReturnType } from '../../verify/replay.js'

/** How long after a promotion a receipt of the previous version is still judged against it (a node's switch-over). */
export const VERSION_GRACE_SECONDS = 600

export type VerifyReceiptParams = {
  /** A receipt as the node's `GET /v1/receipts/<id>` returns it. */
  receipt: ReceiptDraft
  /**
   * What the client sent and received (a `chat --receipt` file keeps it): the receipt must be this exchange's, its
   * prompt tokens the request's own tokenization with the registered weights, its output tokens the text received.
   */
  exchange?: Exchange | undefined
  /** The prompt's token ids, when the receipt does not carry them. */
  promptTokens?: readonly number[] | undefined
  /** A local copy of the registered weights (checked against the manifest) instead of fetching them. */
  weights?: string | undefined
  gpu?: GpuChoice | undefined
  onProgress?: ((event: { stage: 'weights' | 'loading' | 'replaying' }) => void) | undefined
}
export type VerifyReceiptReturnType = {
  verdict: 'match' | 'mismatch'
  /** Why it does not match: the node named other weights than the model's registered ones, and/or what replay found. */
  reasons: ('weights' | ReplayReceiptReturnType['reasons'][number] | ReceiptFaultReason)[]
  /** What does not fit the exchange, when one was given. */
  faults?: ReceiptFault[] | undefined
  modelId: string | null
  weights: { registered: string; claimed: string; verified: boolean }
  /**
   * Which version of the model the receipt was judged against: the one it names when that was ever canonical (an
   * honest node that served v1 until the DAO promoted v2 is judged against v1), else the canonical one.
   */
  version: { judged: string; canonical: string; canonicalNow: boolean; canonicalFrom?: number | undefined; supersededAt?: number | undefined }
  replay?: Omit<ReplayReceiptReturnType, 'tokens'> | undefined
}
/** RECEIPT_MALFORMED, REPLAY_PROMPT_MISMATCH, MODEL_UNKNOWN, WEIGHTS_MISMATCH, ENGINE_LOAD_FAILED, fetch errors. */
export type VerifyReceiptErrorType = ModeldaoError

/**
 * Checks a receipt against the model's registered weights: fetches them by the on-chain manifest (verified by CID and
 * sha256), then replays prompt + served tokens in one pass and scores every token (see replayReceipt). A receipt
 * naming other weights than the registered ones does not match, whatever the replay says.
 * @example const { verdict } = await verifyReceipt(md, { receipt: await (await fetch(`${node}/v1/receipts/${id}`)).json() })
 */
export async function verifyReceipt(ctx: ModeldaoContext, params: VerifyReceiptParams): Promise<VerifyReceiptReturnType> {
  const { receipt } = params
  const promptTokens = params.promptTokens ?? receipt.promptTokenIds
  if (!promptTokens) throw new ReceiptMalformedError('it carries no prompt token ids and none were given (--prompt-tokens)')
  // Only an on-chain model id says which weights are registered: a manifest the receipt names itself proves nothing.
  const model = receipt.modelId
  // Only a number: a node-supplied path or CID must never choose the weights a receipt is judged against.
  if (!model || !/^\d+$/.test(String(model))) throw new ReceiptMalformedError('it names no on-chain model id, so there are no registered weights to check it against')
  params.onProgress?.({ stage: 'weights' })
  const history = await getManifestHistory(ctx, { modelId: BigInt(model) })
  const canonical = history.at(-1)
  // The version the receipt names, if it was canonical when the answer was received (or within the grace window after
  // its successor was promoted); else the canonical one. Received: the client's record in chain time, or now.
  const paidAt = Math.min(params.exchange?.receivedAt ?? Number.POSITIVE_INFINITY, Number((await (await ctx.chain()).publicClient.getBlock({ blockTag: 'latest' })).timestamp))
  const named = receipt.manifestCid ? history.find((v) => v.manifestCid === receipt.manifestCid && v.fromTime <= paidAt && (v.untilTime === undefined || paidAt <= v.untilTime + VERSION_GRACE_SECONDS)) : undefined
  const judged = named ?? canonical
  const served = await resolveServedWeights(ctx, { model: judged && judged !== canonical ? judged.manifestCid : model, weights: params.weights })
  const version = {
    judged: judged?.manifestCid ?? served.manifestCid ?? model,
    canonical: canonical?.manifestCid ?? served.manifestCid ?? model,
    canonicalNow: judged === canonical,
    ...(judged ? { canonicalFrom: judged.fromTime } : {}),
    ...(judged?.untilTime !== undefined ? { supersededAt: judged.untilTime } : {}),
  }
  const base = { modelId: receipt.modelId, weights: { registered: served.weightsCid, claimed: receipt.weightsCid, verified: served.verified }, version }
  params.onProgress?.({ stage: 'loading' })
  const contextSize = Math.max(256, promptTokens.length + receipt.outputTokens.length + 8)
  const engine = await InferenceEngine.open({ modelPath: served.path, gpu: params.gpu ?? 'off', threads: 1, parallel: 1, contextSize })
  try {
    params.onProgress?.({ stage: 'replaying' })
    const { tokens: _tokens, ...replay } = await replayReceipt(engine, { promptTokens, receipt })
    const faults = params.exchange ? [...checkExchange(receipt, params.exchange), ...checkTokens(receipt, params.exchange, tokenizerOf(engine))] : []
    const reasons: VerifyReceiptReturnType['reasons'] = [...(served.weightsCid === receipt.weightsCid ? [] : ['weights' as const]), ...replay.reasons, ...new Set(faults.map((f) => f.reason))]
    return { verdict: reasons.length ? 'mismatch' : 'match', reasons, ...base, replay, ...(params.exchange ? { faults } : {}) }
  } finally {
    await engine.close()
  }
}
