import { erc20Abi, type Address, type Hex } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { describeCause, type ModeldaoError } from '../../errors/base.js'
import { ReceiptInvalidError, ReceiptWithheldError } from '../../client/errors.js'
import type { FaultEvidence } from '../../client/faults.js'
import { ChannelBook } from '../../payments/channelBook.js'
import { checkTokens, describeFaults, type ReceiptFault } from '../../receipts/check.js'
import type { SignedReceipt } from '../../receipts/signedReceipt.js'
import { InferenceEngine } from '../../serving/engine.js'
import { resolveServedWeights } from '../../serving/weights.js'
import { ProbeLog } from '../../verify/probeLog.js'
import { readToken } from '../../shares/market.js'
import { drawDeposit, drawProbeShape, secureRandom, type ProbeShape } from '../../verify/probes.js'
import { replayReceipt, tokenizerOf } from '../../verify/replay.js'
import { chat } from '../client/chat.js'
import { fileChallenge, type FileChallengeReturnType } from './fileChallenge.js'

export type SpotCheckParams = {
  /** The node's base URL. */
  url: string
  /** The model the node serves (its on-chain id): probes are replayed against its registered weights. */
  modelId: number | string
  /**
   * Who pays the probes: a probe wallet's context, kept apart from the validator's registered identity (default: `ctx`,
   * whose address a node can link to the validator). Its channels are recorded and reused like any client's.
   */
  payer?: ModeldaoContext | undefined
  /** The node's operator when known (from NodeRegistry): its recorded channel is used from the first probe on. */
  operator?: Address | undefined
  /** How many probes. */
  probes: number
  /** Prompts to draw from (default: the shipped client-like corpus). */
  prompts?: readonly string[] | undefined
  /** Most output tokens a probe asks for (client-like lengths are drawn up to this). */
  maxTokens?: number | undefined
  /** Deposited into a new channel when the payer has none to the operator (base units; default: a client-like round amount, drawn). */
  deposit?: bigint | undefined
  /** The most one probe may cost (base units; default 1 token unit as `chat`). */
  maxCost?: bigint | undefined
  /** Fraction of probes replayed (default 1). */
  replayFraction?: number | undefined
  /** Random wait before each probe, up to this many ms (default 2,000): probes come at unpredictable times. */
  jitterMs?: number | undefined
  /** Fix the probe shapes (tests); default: drawn like client traffic. */
  shapes?: readonly ProbeShape[] | undefined
  /** File a challenge (bond) on the first mismatching channel-paid receipt. */
  challenge?: boolean | undefined
  /** A local copy of the registered weights instead of fetching them. */
  weights?: string | undefined
  onProbe?: ((probe: SpotCheckProbe) => void) | undefined
}
export type SpotCheckProbe = {
  prompt: string
  receiptId: string
  shape: ProbeShape
  replayed: boolean
  /**
   * withheld: a paid answer came without its receipt (a fault of the node); mismatch: the receipt is not this exchange's
   * or does not replay; unverifiable: the probe could not be completed or checked (see `problem`).
   */
  verdict?: 'match' | 'mismatch' | 'withheld' | 'unverifiable' | undefined
  faults?: ReceiptFault[] | undefined
  problem?: string | undefined
  firstDivergence?: number | undefined
  cost: string
  /** Where the client side kept the evidence of a withheld or invalid receipt. */
  evidenceFile?: string | undefined
}
export type SpotCheckReturnType = {
  operator: Address
  probes: SpotCheckProbe[]
  mismatches: number
  withheld: number
  /** The signed receipt of the first channel-paid mismatch: evidence a challenge can be filed with. */
  evidence?: SignedReceipt | undefined
  challenge?: FileChallengeReturnType | undefined
}
/** Fetch and payment errors, RECEIPT_MALFORMED, REVERT_* when a challenge is refused. */
export type SpotCheckErrorType = ModeldaoError

/**
 * A validator's spot check of one node. Each probe is a client request made by the client's own code (`chat`: a
 * streamed chat completion, client-like sampling and length, both payment schemes, the receipt taken from the response,
 * channels kept and reused), paid from `payer`, at a random time. The receipt is then checked as the client checks it
 * (request, text, usage, cost, signature), against the registered weights' tokenizer (prompt and output tokens), and
 * replayed on the verification profile (CPU, one thread, one sequence). A paid answer without a receipt is a fault.
 * @example const { mismatches } = await spotCheck(md, { url, modelId: 1, probes: 4, deposit: 1_000_000n, challenge: true })
 */
export async function spotCheck(ctx: ModeldaoContext, params: SpotCheckParams): Promise<SpotCheckReturnType> {
  const payer = params.payer ?? ctx
  const served = await resolveServedWeights(ctx, { model: String(params.modelId), weights: params.weights })
  const maxTokens = params.maxTokens ?? 256
  // Room for any answer the node may give (a probe often leaves max tokens to the node): up to the model's own context.
  const engine = await InferenceEngine.open({ modelPath: served.path, threads: 1, parallel: 1, contextSize: Math.max(8192, maxTokens + 1024) })
  const [connection, channels, payerAccount] = await Promise.all([ctx.chain(), payer.contract('PaymentChannels'), payer.signer()])
  const probes: SpotCheckProbe[] = []
  let evidence: SignedReceipt | undefined
  let operator: Address | undefined = params.operator
  // Drawn once per run: the one channel a run may open is funded like a client's (a round amount, not a fixed one),
  // at most half the wallet's balance so that the probes paid per request can still be paid.
  let deposit = params.deposit
  if (deposit === undefined) {
    const token = await readToken(connection, (await ctx.deployments()).paymentToken)
    const balance = await connection.publicClient.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [payerAccount.address] })
    deposit = drawDeposit(token.decimals, undefined, balance / 2n)
  }
  const log = new ProbeLog(ctx.home.validator)
  const jitter = params.jitterMs ?? 2_000
  try {
    for (let i = 0; i < params.probes; i++) {
      const shape = params.shapes?.[i % params.shapes.length] ?? drawProbeShape({ prompts: params.prompts, maxTokensCap: maxTokens })
      if (jitter > 0) await new Promise((r) => setTimeout(r, secureRandom() * jitter))
      const probe: SpotCheckProbe = { prompt: shape.prompt, shape, receiptId: '', replayed: false, cost: '0' }
      // A channel is opened once, when the payer has none to this operator, and reused by every later probe and run.
      const known = operator && (await new ChannelBook(payer.home.client).find({ chainId: connection.chainId, channels: channels.address, payer: payerAccount.address, operator }))
      try {
        const ask = (deposit: bigint | undefined) => chat(payer, {
          url: params.url,
          // No model named: like most clients, the probe asks the node which model it serves (GET /v1/models).
          messages: [...(shape.system ? [{ role: 'system' as const, content: shape.system }] : []), { role: 'user' as const, content: shape.prompt }],
          maxTokens: shape.maxTokens,
          temperature: shape.temperature,
          pay: shape.pay,
          deposit,
          maxCost: params.maxCost,
          // A client stops paying a node at fault; a validator goes on auditing it (its run stops at its own first fault).
          allowFaulted: true,
        })
        // A channel is funded when the payer has none to this operator, or topped up when the node finds it too low.
        const answer = await ask(shape.pay === 'channel' && !known ? deposit : undefined).catch((error: unknown) => {
          if (shape.pay === 'channel' && (error as { code?: string }).code === 'PAYMENT_REFUSED' && /insufficient_channel_balance/.test((error as Error).message)) return ask(deposit)
          throw error
        })
        operator ??= answer.payment.operator
        probe.receiptId = answer.receipt?.id ?? ''
        probe.cost = answer.cost
        const signed = answer.signedReceipt
        if (!signed) throw new Error('the node answered without asking for payment')
        const otherModel = String(signed.draft.modelId) !== String(params.modelId)
        if (otherModel) {
          probe.verdict = 'mismatch'
          probe.faults = [{ reason: 'request', detail: `the node serves model ${signed.draft.modelId} at this URL, not model ${params.modelId}` }]
          probe.problem = describeFaults(probe.faults)
        } else if (secureRandom() < (params.replayFraction ?? 1)) {
          const faults = checkTokens(signed.draft, signed.exchange!, tokenizerOf(engine))
          if (signed.draft.weightsCid !== served.weightsCid) faults.push({ reason: 'request', detail: `the receipt names weights ${signed.draft.weightsCid}, the registered ones are ${served.weightsCid}` })
          const result = await replayReceipt(engine, { promptTokens: signed.draft.promptTokenIds ?? [], receipt: signed.draft })
          probe.replayed = true
          probe.verdict = result.verdict === 'match' && faults.length === 0 ? 'match' : 'mismatch'
          if (faults.length) probe.faults = faults
          probe.firstDivergence = result.firstDivergence?.position
          if (probe.verdict === 'mismatch' && !evidence && signed.voucher) evidence = { ...signed, voucher: signed.voucher }
        }
      } catch (error) {
        if (error instanceof ReceiptWithheldError) {
          probe.verdict = 'withheld'
          probe.evidenceFile = error.evidenceFile
          operator ??= error.operator
        } else if (error instanceof ReceiptInvalidError) {
          probe.verdict = 'mismatch'
          probe.faults = [...error.faults]
          probe.problem = describeFaults(error.faults)
          probe.evidenceFile = error.evidenceFile
          operator ??= error.evidence.operator
          evidence ??= signedEvidence(error.evidence)
        } else {
          probe.verdict = 'unverifiable'
          probe.problem = describeCause(error)
        }
      }
      probes.push(probe)
      if (probe.verdict && operator) log.add(connection.chainId, String(params.modelId), operator, probe.receiptId || `probe-${Date.now()}-${i}`, probe.verdict)
      params.onProbe?.(probe)
      // The client code now refuses to pay a node at fault: probing it further would prove nothing new.
      if (probe.evidenceFile) break
    }
  } finally {
    log.close()
    await engine.close()
  }
  const result: SpotCheckReturnType = {
    operator: operator ?? ('0x0000000000000000000000000000000000000000' as Address),
    probes,
    mismatches: probes.filter((p) => p.verdict === 'mismatch').length,
    withheld: probes.filter((p) => p.verdict === 'withheld').length,
    evidence,
  }
  if (params.challenge && evidence) result.challenge = await fileChallenge(ctx, { evidence })
  return result
}


/** A falsified receipt the operator signed, bound to a channel voucher: evidence a challenge can be filed with. */
function signedEvidence(kept: FaultEvidence): SignedReceipt | undefined {
  const receipt = kept.receipt as { signature?: Hex; draft?: SignedReceipt['draft'] } | null
  const payment = kept.payment as { scheme?: string; voucher?: SignedReceipt['voucher'] }
  if (!receipt?.draft || !receipt.signature || payment.scheme !== 'channel' || !payment.voucher) return undefined
  const cost = (kept.received.usage as { cost?: unknown } | undefined)?.cost
  return { draft: receipt.draft, operator: kept.operator, signature: receipt.signature, cost: String(cost ?? '0'), voucher: payment.voucher, exchange: { endpoint: 'chat', request: kept.request, text: kept.received.text, usage: kept.received.usage } }
}
