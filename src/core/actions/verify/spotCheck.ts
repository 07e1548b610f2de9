import type { Address, Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { describeCause, type ModeldaoError } from '../../errors/base.js'
import { recoverReceiptSigner } from '../../receipts/signing.js'
import { voucherDigest } from '../../payments/vouchers.js'
import { ProbeLog } from '../../verify/probeLog.js'
import { receiptCommitment } from '../../receipts/codec.js'
import { createPayingFetch } from '../../payments/payingFetch.js'
import { nodeReceipt } from '../../client/nodeApi.js'
import { InferenceEngine } from '../../serving/engine.js'
import { resolveServedWeights } from '../../serving/weights.js'
import { replayReceipt } from '../../verify/replay.js'
import type { SignedReceipt } from '../../receipts/signedReceipt.js'
import { fileChallenge, type FileChallengeReturnType } from './fileChallenge.js'

export type SpotCheckParams = {
  /** The node's base URL. */
  url: string
  /** The model the node serves (its on-chain id): probes are replayed against its registered weights. */
  modelId: number | string
  /** The validator's channel to the node's operator: probes are paid like any client's. */
  channelId: Hex
  /** Prompts that look like client traffic; one probe each. */
  prompts: readonly string[]
  /** Output tokens per probe (default 32). */
  maxTokens?: number | undefined
  /** Fraction of probes replayed (default 1). */
  replayFraction?: number | undefined
  /** Random wait before each probe, up to this many ms (default 0): probes come at unpredictable times. */
  jitterMs?: number | undefined
  /** File a challenge (bond) on the first mismatching receipt. */
  challenge?: boolean | undefined
  /** A local copy of the registered weights instead of fetching them. */
  weights?: string | undefined
  onProbe?: ((probe: SpotCheckProbe) => void) | undefined
}
export type SpotCheckProbe = {
  prompt: string
  receiptId: string
  replayed: boolean
  /** unverifiable: no receipt, a receipt the operator did not sign, or one that cannot be replayed (see `problem`). */
  verdict?: 'match' | 'mismatch' | 'unverifiable' | undefined
  problem?: string | undefined
  firstDivergence?: number | undefined
  cost: string
}
export type SpotCheckReturnType = {
  operator: Address
  probes: SpotCheckProbe[]
  mismatches: number
  /** The signed receipt of the first mismatch: evidence a challenge can be filed with. */
  evidence?: SignedReceipt | undefined
  challenge?: FileChallengeReturnType | undefined
}
/** Fetch and payment errors, RECEIPT_MALFORMED, REVERT_* when a challenge is refused. */
export type SpotCheckErrorType = ModeldaoError

/**
 * A validator's spot check of one node: paid probe requests (greedy, so a replay is exact), each receipt fetched from
 * the node and replayed against the model's registered weights on the verification profile (CPU, one thread, one
 * sequence: a replay never shares a batch with paid traffic). The first mismatch's signed receipt is kept as
 * evidence and, with `challenge`, filed on chain.
 * @example const { mismatches } = await spotCheck(md, { url, modelId: 1, channelId, prompts: ['Hello'], challenge: true })
 */
export async function spotCheck(ctx: ModeldaoContext, params: SpotCheckParams): Promise<SpotCheckReturnType> {
  const account = await ctx.signer()
  if (!('signTypedData' in account) || account.type !== 'local') throw new Error('spot checks sign vouchers: use a local account (keystore, dev account or private key)')
  const paying = createPayingFetch({ account, channelFor: () => params.channelId })
  const served = await resolveServedWeights(ctx, { model: String(params.modelId), weights: params.weights })
  const maxTokens = params.maxTokens ?? 32
  const engine = await InferenceEngine.open({ modelPath: served.path, threads: 1, parallel: 1, contextSize: Math.max(1024, maxTokens + 768) })
  const [connection, channels] = await Promise.all([ctx.chain(), ctx.contract('PaymentChannels')])
  const domain = { chainId: connection.chainId, verifyingContract: channels.address }
  const operator = await operatorOf(ctx, params.channelId)
  const probes: SpotCheckProbe[] = []
  let evidence: SignedReceipt | undefined
  // The validator keeps its own record of every replayed probe: `node list` shows it as the node's pass rate.
  const log = new ProbeLog(ctx.home.validator)
  try {
    for (const prompt of params.prompts) {
      if (params.jitterMs) await new Promise((r) => setTimeout(r, Math.random() * params.jitterMs!))
      const response = await paying(`${params.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: String(params.modelId), prompt, max_tokens: maxTokens, temperature: 0 }),
      })
      if (!response.ok) throw new Error(`the node answered ${response.status} to a probe: ${(await response.text()).slice(0, 200)}`)
      const body = (await response.json()) as { usage: { cost: string; receipt: { id: string; signature: Hex } } }
      const voucher = paying.channelClient?.lastVoucher
      const probe: SpotCheckProbe = { prompt, receiptId: body.usage.receipt.id, replayed: false, cost: body.usage.cost }
      if (Math.random() < (params.replayFraction ?? 1)) {
        try {
          const draft = await nodeReceipt(params.url, body.usage.receipt.id)
          // The draft must be what the operator signed for this very payment: a node must not swap in another one.
          if (!voucher) throw new Error('no voucher paid this probe')
          const signer = await recoverReceiptSigner(domain, { ...receiptCommitment(draft), payment: voucherDigest(domain, voucher), cost: BigInt(body.usage.cost) }, body.usage.receipt.signature)
          if (signer.toLowerCase() !== operator.toLowerCase()) throw new Error(`the receipt is not what the operator signed (it recovers to ${signer})`)
          // The validator knows its prompt: its own tokens, unless the node's (hash-checked in the replay) are given.
          const promptTokens = draft.promptTokenIds ?? [...engine.tokenizePrompt(prompt)]
          const result = await replayReceipt(engine, { promptTokens, receipt: draft })
          probe.replayed = true
          probe.verdict = result.verdict === 'match' && draft.weightsCid === served.weightsCid ? 'match' : 'mismatch'
          probe.firstDivergence = result.firstDivergence?.position
          if (probe.verdict === 'mismatch' && !evidence) {
            evidence = {
              draft,
              operator,
              signature: body.usage.receipt.signature,
              cost: body.usage.cost,
              voucher: { channelId: voucher.channelId, modelId: voucher.modelId.toString(), cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: voucher.feeShareBps },
            }
          }
        } catch (error) {
          probe.verdict = 'unverifiable'
          probe.problem = describeCause(error)
        }
      }
      probes.push(probe)
      if (probe.verdict) log.add(connection.chainId, String(params.modelId), operator, probe.receiptId, probe.verdict)
      params.onProbe?.(probe)
    }
  } finally {
    log.close()
    await engine.close()
  }
  const result: SpotCheckReturnType = { operator, probes, mismatches: probes.filter((p) => p.verdict === 'mismatch').length, evidence }
  if (params.challenge && evidence) result.challenge = await fileChallenge(ctx, { evidence })
  return result
}

async function operatorOf(ctx: ModeldaoContext, channelId: Hex): Promise<Address> {
  const [connection, channels] = await Promise.all([ctx.chain(), ctx.contract('PaymentChannels')])
  const [, operator] = await connection.publicClient.readContract({ address: channels.address, abi: channels.abi, functionName: 'channel', args: [channelId] })
  return operator
}
