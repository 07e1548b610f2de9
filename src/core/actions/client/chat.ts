import { decodePaymentResponseHeader } from '@x402/core/http'
import type { PaymentRequirements } from '@x402/core/types'
import { getAddress, zeroAddress, type Address, type Hash, type Hex, type LocalAccount } from 'viem'
import { ChannelBook, type ChannelBookKey } from '../../payments/channelBook.js'
import { readChatStream } from '../../client/chatStream.js'
import { errorBody, nodeModel } from '../../client/nodeApi.js'
import { ChannelUnusableError, CostAboveLimitError, NodeFaultedError, NodeOverclaimedError, NodeStreamCutError, ReceiptInvalidError, ReceiptWithheldError, NodeRequestFailedError, NodeUnreachableError, PaymentRefusedError, PaymentTermsUnusableError } from '../../client/errors.js'
import type { ModeldaoContext } from '../../context/context.js'
import { ModeldaoError } from '../../errors/base.js'
import { createPayingFetch } from '../../payments/payingFetch.js'
import { NodeOverbilledError } from '../../payments/errors.js'
import { CHANNEL_SCHEME, EXACT_SCHEME, type ChannelExtra } from '../../payments/scheme.js'
import { formatToken, readToken } from '../../shares/market.js'
import { checkExchange, checkSignature, type Exchange, type QuotedTerms, type ReceiptFault } from '../../receipts/check.js'
import type { ReceiptDraft } from '../../receipts/draft.js'
import { exactPaymentRef } from '../../receipts/signing.js'
import type { SignedReceipt } from '../../receipts/signedReceipt.js'
import { voucherDigest } from '../../payments/vouchers.js'
import { FaultBook, type FaultEvidence } from '../../client/faults.js'
import { auditReceipt, type AuditOptions, type AuditVerdict } from '../../client/audit.js'
import { depositChannel } from '../channel/depositChannel.js'
import { getChannel } from '../channel/getChannel.js'
import { openChannel } from '../channel/openChannel.js'

/** The longest an exact authorization may stay valid (the node widens its offer by how far a dev chain's clock runs ahead). */
export const MAX_EXACT_VALIDITY_SECONDS = 7 * 24 * 60 * 60

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string }

export type ChatParams = {
  /** The serving node's base URL (as `node list` shows it). */
  url: string
  /** The model id to ask for (default: the node's model). */
  model?: string | undefined
  messages: readonly ChatMessage[]
  maxTokens?: number | undefined
  temperature?: number | undefined
  seed?: number | undefined
  /**
   * channel: vouchers through a payment channel (cheap per request, one deposit up front); exact: one EIP-3009
   * authorization per request, settled on chain by the node; auto (default): channel when one is known, given or
   * funded now, else exact.
   */
  pay?: 'auto' | 'channel' | 'exact' | undefined
  /** Pay through this channel instead of the one recorded for the node's operator. */
  channelId?: Hex | undefined
  /** Add this much (base units) to the channel first, opening one when there is none. */
  deposit?: bigint | undefined
  /** Open a new channel (with `deposit`) even when one is recorded for this operator. */
  newChannel?: boolean | undefined
  /** Refuse a request whose price ceiling is above this (base units). */
  maxCost?: bigint | undefined
  /** Each piece of the answer as it streams in. */
  onText?: ((delta: string) => void) | undefined
  /** Give up when the node sends nothing for this long (default 120 s): before the first token, or mid-stream. */
  idleTimeoutMs?: number | undefined
  /** Something the caller should tell the user (e.g. a channel that could not be recorded). */
  onWarning?: ((message: string) => void) | undefined
  /**
   * Audit a share of this client's own receipts: replay them with the registered weights at hand, or hand them to a
   * validator (`validator serve`). Audited traffic is real traffic: a node cannot serve it differently. A mismatch is
   * recorded as a fault against the operator (the answer is still returned, with `audit`).
   */
  audit?: AuditOptions | undefined
  /** Pay an operator this home recorded a fault against (a withheld or invalid receipt). */
  allowFaulted?: boolean | undefined
  /** Channel transactions as they happen (opening, deposit). */
  onChannel?: ((event: { stage: 'opening' | 'depositing'; operator: Address; amount: string }) => void) | undefined
}

export type ChatReturnType = {
  node: string
  model: string
  text: string
  finishReason: string | null
  usage: { promptTokens: number; completionTokens: number }
  /** What the request cost (base units) and the same in words. */
  cost: string
  costText: string
  payment: {
    scheme: 'channel' | 'exact'
    operator: Address
    /** The channel that paid (channel scheme), and the cumulative amount its voucher now authorizes. */
    channelId?: Hex | undefined
    cumulativeAmount?: string | undefined
    /** The node's on-chain settlement of an exact payment. */
    settlement?: Hash | undefined
    /** Channel transactions this call made (opening, approval, deposit). */
    transactions: Hash[]
    channelOpened: boolean
  }
  /** The node's signed receipt: its id at the node (GET /v1/receipts/<id>) and the operator's signature. */
  receipt: { id: string; signature: Hex } | null
  /** A paid answer's receipt, checked against this exchange: the draft, the operator's signature, the cost, the voucher (channel) and the exchange. */
  signedReceipt?: (Omit<SignedReceipt, 'voucher'> & { voucher: SignedReceipt['voucher'] | null }) | undefined
  /** When this answer was audited: by whom, the verdict and (on a mismatch) where the evidence is kept. */
  audit?: (AuditVerdict & { evidenceFile?: string | undefined }) | undefined
}
/** NODE_UNREACHABLE, NODE_REQUEST_FAILED, PAYMENT_REFUSED, COST_ABOVE_LIMIT, PAYMENT_TERMS_UNUSABLE, CHANNEL_UNUSABLE, TOKEN_BALANCE_INSUFFICIENT, signer and chain errors. */
export type ChatErrorType = ModeldaoError

/**
 * Asks a serving node for a chat completion and pays for it over x402, streaming the answer through `onText`. With
 * the channel scheme it reuses the channel recorded in the home for the node's operator (or `channelId`), funding or
 * opening one when `deposit` is given; otherwise it pays per request with an exact authorization.
 * @example const { text, cost } = await chat(md, { url: 'http://127.0.0.1:8000', messages: [{ role: 'user', content: 'Hi' }] })
 */
export async function chat(ctx: ModeldaoContext, params: ChatParams): Promise<ChatReturnType> {
  // "127.0.0.1:8000" parses as a URL of scheme "127.0.0.1": name what is missing instead of failing deep in fetch.
  if (!/^https?:\/\//i.test(params.url)) {
    throw new ModeldaoError('USAGE', `--node "${params.url}" is not an http(s) URL.`, { hints: [`Did you mean --node http://${params.url.replace(/^\/+/, '')}?`] })
  }
  const base = params.url.replace(/\/+$/, '')
  const model = params.model ?? (await nodeModel(base))
  const [connection, account, deployments, channels] = await Promise.all([ctx.chain(), ctx.signer(), ctx.deployments(), ctx.contract('PaymentChannels')])
  const token = await readToken(connection, deployments.paymentToken)
  // Read once: the scheme choice and the channel lookup both use it (openChannel records new channels itself).
  const recorded = await new ChannelBook(ctx.home.client).list()
  const keyFor = (operator: Address): ChannelBookKey => ({ chainId: connection.chainId, channels: channels.address, payer: account.address, operator })

  const faultBook = new FaultBook(ctx.home.client)
  // A node that withheld or falsified a receipt is paid no more from this home.
  const refuseFaulted = async (operator: Address) => {
    if (params.allowFaulted) return
    const evidence = await faultBook.of(operator)
    if (evidence.length > 0) throw new NodeFaultedError(operator, evidence)
  }

  const pay = params.pay ?? 'auto'
  const wantsChannel = (offered: readonly PaymentRequirements[]): 'channel' | 'exact' => {
    if (pay !== 'auto') return pay
    if (params.channelId || params.deposit !== undefined) return 'channel'
    const channelOffer = offered.find((r) => r.scheme === CHANNEL_SCHEME)
    return channelOffer && ChannelBook.latest(recorded, keyFor(getAddress(channelOffer.payTo))) ? 'channel' : 'exact'
  }

  const payment: ChatReturnType['payment'] = { scheme: 'exact', operator: zeroAddress, transactions: [], channelOpened: false }
  let offered: readonly PaymentRequirements[] = []
  // The x402 client wraps a failing channel lookup or exact check in a plain Error: keep ours to rethrow as it was.
  let paymentFailure: unknown
  const remembered =
    <A extends unknown[], R>(step: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await step(...args)
      } catch (error) {
        paymentFailure ??= error
        throw error
      }
    }
  // After a corrective 402 the x402 client asks for the channel again: one lookup per chat, so a deposit or an
  // opening happens once.
  let resolvedChannel: Promise<Hex> | undefined
  const channelFor = remembered(async (requirements: PaymentRequirements): Promise<Hex> => {
    const channelId = await (resolvedChannel ??= payingChannel(requirements))
    // Opening or topping up a channel waits for the chain: not the node's silence.
    watchdog.reset()
    return channelId
  })
  const payingChannel = async (requirements: PaymentRequirements): Promise<Hex> => {
    const extra = requirements.extra as unknown as ChannelExtra
    if (requirements.network !== `eip155:${connection.chainId}`) throw new PaymentTermsUnusableError(`it takes payment on ${requirements.network}, this home's chain is eip155:${connection.chainId}`)
    if (getAddress(extra.channels) !== getAddress(channels.address)) throw new PaymentTermsUnusableError(`its PaymentChannels contract is ${extra.channels}, this home's is ${channels.address}`)
    if (/^\d+$/.test(model) && extra.modelId !== model) throw new PaymentTermsUnusableError(`its vouchers would pay model ${extra.modelId}'s holders, but model ${model} was asked for`)
    const operator = getAddress(requirements.payTo)
    await refuseFaulted(operator)
    const known = params.newChannel ? undefined : (params.channelId ?? ChannelBook.latest(recorded, keyFor(operator)))
    if (known) {
      const state = await getChannel(ctx, { channelId: known })
      if (!state.open) throw new ChannelUnusableError(known, 'there is no such channel on this chain')
      if (getAddress(state.operator) !== operator) throw new ChannelUnusableError(known, `it pays operator ${state.operator}, this node's operator is ${operator}`)
      if (getAddress(state.authorizer) !== getAddress(account.address)) throw new ChannelUnusableError(known, `its vouchers are signed by ${state.authorizer}, not by ${account.address}`)
      if (params.deposit !== undefined) {
        params.onChannel?.({ stage: 'depositing', operator, amount: formatToken(params.deposit, token) })
        payment.transactions.push(...(await depositChannel(ctx, { channelId: known, amount: params.deposit })).transactions)
      }
      return known
    }
    if (params.deposit === undefined) throw new ChannelUnusableError(undefined, `none to operator ${operator} is recorded in this home`)
    params.onChannel?.({ stage: 'opening', operator, amount: formatToken(params.deposit, token) })
    // openChannel records it in the home's channel book: the next chat finds it there.
    const opened = await openChannel(ctx, { operator, amount: params.deposit })
    payment.transactions.push(...opened.transactions)
    payment.channelOpened = true
    if (!opened.recorded) params.onWarning?.(`The home's channel book could not record channel ${opened.channelId}: pass it to the next chat with --channel.`)
    return opened.channelId
  }

  // An exact authorization is a token transfer the node settles itself: sign one only for this home's chain and
  // payment token, payable to the ExactReceiver of the operator the channel offer names FOR THE MODEL asked for (the
  // receiver's address is what binds the payment to a model's holders: the signature names no model), for a bounded
  // time.
  const checkExact = remembered(async (requirements: PaymentRequirements) => {
    if (requirements.network !== `eip155:${connection.chainId}`) throw new PaymentTermsUnusableError(`its exact offer is on ${requirements.network}, this home's chain is eip155:${connection.chainId}`)
    if (getAddress(requirements.asset) !== getAddress(deployments.paymentToken)) throw new PaymentTermsUnusableError(`its exact offer asks for token ${requirements.asset}, this deployment pays in ${deployments.paymentToken}`)
    const method = (requirements.extra as { assetTransferMethod?: string } | undefined)?.assetTransferMethod
    if (method !== undefined && method !== 'eip3009') throw new PaymentTermsUnusableError(`its exact offer asks for a ${method} transfer; modeldao nodes take EIP-3009 authorizations`)
    if (requirements.maxTimeoutSeconds > MAX_EXACT_VALIDITY_SECONDS) throw new PaymentTermsUnusableError(`its exact offer asks for an authorization valid ${requirements.maxTimeoutSeconds} s, more than ${MAX_EXACT_VALIDITY_SECONDS} s`)
    const channelOffer = offered.find((r) => r.scheme === CHANNEL_SCHEME)
    if (!channelOffer) throw new PaymentTermsUnusableError('it names no operator (no channel offer), so its exact payee cannot be checked')
    await refuseFaulted(getAddress(channelOffer.payTo))
    // The model paid for: the one the receipt is judged against (the channel offer's), which must be the one asked for.
    const paidModel = (channelOffer.extra as unknown as ChannelExtra | undefined)?.modelId
    if (typeof paidModel !== 'string' || !/^\d+$/.test(paidModel)) throw new PaymentTermsUnusableError('it names no model id, so its exact payee cannot be checked')
    if (/^\d+$/.test(model) && paidModel !== model) throw new PaymentTermsUnusableError(`its exact payment would pay model ${paidModel}'s holders, but model ${model} was asked for`)
    const exactModel = (requirements.extra as { modelId?: unknown } | undefined)?.modelId
    if (exactModel !== undefined && String(exactModel) !== paidModel) throw new PaymentTermsUnusableError(`its exact offer names model ${String(exactModel)}, its channel offer model ${paidModel}`)
    const exactPayments = await ctx.contract('ExactPayments')
    const receiver = await connection.publicClient.readContract({ address: exactPayments.address, abi: exactPayments.abi, functionName: 'receiverOf', args: [getAddress(channelOffer.payTo), BigInt(paidModel)] })
    if (getAddress(requirements.payTo) !== getAddress(receiver)) throw new PaymentTermsUnusableError(`its exact offer pays ${requirements.payTo}, not the ExactReceiver ${receiver} of its operator ${channelOffer.payTo} for model ${paidModel}`)
  })
  const paying = createPayingFetch({
    account: account as LocalAccount,
    channelFor,
    prefer: wantsChannel,
    // The scheme chosen is the scheme paid: no quiet fallback (e.g. to exact when the channel offer is above --max-cost).
    strict: true,
    checkExact,
    maxCost: params.maxCost,
    onOffer: (requirements) => (offered = requirements),
    // What this home accounted for on each channel: a node cannot bill more than that from one chat to the next.
    ledger: new ChannelBook(ctx.home.client).ledger(),
  })
  const overclaimed = () => {
    const [key, why] = [...(paying.channelClient?.disputes ?? [])][0] ?? []
    return key && why ? new NodeOverclaimedError(base, why) : undefined
  }
  const request = {
    model,
    messages: params.messages,
    stream: true,
    ...(params.maxTokens === undefined ? {} : { max_tokens: params.maxTokens }),
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.seed === undefined ? {} : { seed: params.seed }),
  }
  const body = JSON.stringify(request)
  // A node that accepts the request and then goes silent must not hang the client: abort after idleMs without data.
  const idleMs = params.idleTimeoutMs ?? 120_000
  const watchdog = idleWatchdog(idleMs)
  let response: Response
  try {
    response = await paying(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: watchdog.signal })
  } catch (error) {
    watchdog.stop()
    if (watchdog.fired) throw new NodeUnreachableError(base, new Error(`no answer within ${idleMs / 1000} s`))
    if (paymentFailure) throw paymentFailure
    const disputed = overclaimed()
    if (disputed) throw disputed
    if (/filtered out by policies/.test((error as Error).message)) {
      const chosen = wantsChannel(offered)
      const wanted = offered.filter((r) => r.scheme === (chosen === 'channel' ? CHANNEL_SCHEME : EXACT_SCHEME))
      if (wanted.length === 0) throw new PaymentTermsUnusableError(`it does not offer the ${chosen} scheme (it offers ${offered.map((r) => r.scheme).join(', ') || 'nothing'})`)
      const cheapest = wanted.map((r) => BigInt(r.amount)).reduce((a, b) => (b < a ? b : a))
      throw new CostAboveLimitError(formatToken(cheapest, token), formatToken(params.maxCost ?? 0n, token))
    }
    throw new NodeUnreachableError(base, error)
  }
  const disputed = overclaimed()
  if (disputed) {
    watchdog.stop()
    throw disputed
  }
  if (response.status !== 200) {
    watchdog.stop()
    const refusal = await errorBody(response)
    if (response.status === 402) throw new PaymentRefusedError(base, refusal.code ?? 'payment_required', refusal.message)
    throw new NodeRequestFailedError(base, response.status, refusal.message)
  }

  const settlement = paymentResponse(response)
  let streamed: Awaited<ReturnType<typeof readChatStream>>
  try {
    streamed = await readChatStream(response, { onText: params.onText, onData: watchdog.reset })
  } catch (error) {
    if (watchdog.fired) throw new NodeRequestFailedError(base, 504, `no data for ${idleMs / 1000} s; the answer stopped part-way`)
    // A socket closed mid-stream (the node stopped or crashed) surfaces from fetch as a bare "terminated": name it.
    throw error instanceof ModeldaoError ? error : new NodeStreamCutError(base, response.headers.get('x-modeldao-receipt'), error)
  } finally {
    watchdog.stop()
  }
  // What this answer cost is in the home's ledger before the next chat reads it.
  await paying.channelClient?.flushed()
  const usage = streamed.usage ?? {}
  // The operator is the channel offer's payTo (an exact offer pays the operator's ExactReceiver contract instead).
  const channelOffer = offered.find((r) => r.scheme === CHANNEL_SCHEME)
  const exactOffer = offered.find((r) => r.scheme === EXACT_SCHEME)
  if (channelOffer) payment.operator = getAddress(channelOffer.payTo)
  // Paid is what this client signed in this call, not what the node's PAYMENT-RESPONSE says: a node that leaves the
  // header out must not skip the receipt checks.
  const signedVoucher = paying.channelClient?.lastVoucher
  const signedExact = paying.lastExact()
  const paid = signedVoucher !== undefined || signedExact !== undefined
  if (signedVoucher) {
    payment.scheme = 'channel'
    payment.channelId = signedVoucher.channelId
    payment.cumulativeAmount = signedVoucher.cumulativeAmount.toString()
  } else if (signedExact) {
    payment.scheme = 'exact'
    if (settlement && /^0x[0-9a-f]{64}$/i.test(settlement.transaction)) payment.settlement = settlement.transaction as Hash
  }
  const cost = String(usage.cost ?? '0')
  const sent = usage.receipt as { id?: unknown; signature?: unknown; draft?: unknown } | undefined
  const receipt = sent && typeof sent.id === 'string' && typeof sent.signature === 'string' ? { id: sent.id, signature: sent.signature as Hex } : undefined
  const voucher = paying.channelClient?.lastVoucher
  const receivedAt = paid ? Number((await connection.publicClient.getBlock({ blockTag: 'latest' })).timestamp) : undefined
  const exchange: Exchange = { endpoint: 'chat', request, text: streamed.text, usage, finishReason: streamed.finishReason, ...(receivedAt === undefined ? {} : { receivedAt }) }
  let signedReceipt: ChatReturnType['signedReceipt']
  let audit: ChatReturnType['audit']
  if (paid) {
    // Paid: the answer must come with the operator's receipt for this very exchange, or the node is at fault.
    const evidence = async (kind: FaultEvidence['kind'], faults: FaultEvidence['faults']) => {
      const kept: FaultEvidence = {
        kind,
        at: new Date().toISOString(),
        node: base,
        operator: payment.operator,
        chainId: connection.chainId,
        request,
        received: { text: streamed.text, usage },
        payment:
          payment.scheme === 'channel' && voucher
            ? { scheme: 'channel', voucher: { ...voucher, modelId: voucher.modelId.toString(), cumulativeAmount: voucher.cumulativeAmount.toString() }, signature: paying.channelClient?.lastVoucherSignature }
            : { scheme: 'exact', ...paying.lastExact(), settlement: payment.settlement },
        receipt: sent ?? null,
        faults,
      }
      return { file: await faultBook.record(kept), evidence: kept }
    }
    const draft = sent?.draft as ReceiptDraft | undefined
    if (!receipt || !draft || typeof draft !== 'object') throw new ReceiptWithheldError(base, payment.operator, (await evidence('withheld', [{ reason: 'signature', detail: 'no signed receipt came with the paid answer' }])).file)
    const terms: QuotedTerms | undefined =
      payment.scheme === 'channel'
        ? channelOffer && { perRequest: BigInt((channelOffer.extra as unknown as ChannelExtra).perRequest), perOutputToken: BigInt((channelOffer.extra as unknown as ChannelExtra).perOutputToken) }
        : exactOffer && { fixed: BigInt(exactOffer.amount) }
    const exact = signedExact
    const channelTerms = channelOffer?.extra as unknown as ChannelExtra | undefined
    const exactCap = (exactOffer?.extra as { maxTokens?: number } | undefined)?.maxTokens
    // The limit the node quoted for this request (the exact scheme caps it further): the receipt must record it.
    const quotedMax = channelTerms?.maxTokens === undefined ? undefined : payment.scheme === 'exact' && exactCap !== undefined ? Math.min(channelTerms.maxTokens, exactCap) : channelTerms.maxTokens
    const paymentRef = payment.scheme === 'channel' ? (voucher ? voucherDigest({ chainId: connection.chainId, verifyingContract: channels.address }, voucher) : undefined) : exact && exactPaymentRef(getAddress(exact.authorization.from), exact.authorization.nonce)
    let faults: ReceiptFault[]
    try {
      faults = checkExchange(draft, exchange, terms, /^\d+$/.test(cost) ? BigInt(cost) : -1n, { maxTokens: quotedMax })
      if (draft.id !== receipt.id) faults.push({ reason: 'request', detail: `the receipt's id ${draft.id} is not the answer's ${receipt.id}` })
      // The model the payment went to (its holders' fee pool): a receipt naming anything else would be judged elsewhere.
      const paidModel = channelTerms?.modelId ?? (signedVoucher ? signedVoucher.modelId.toString() : undefined)
      if (draft.modelId !== paidModel) faults.push({ reason: 'request', detail: `the receipt is for model ${String(draft.modelId)}, the payment for model ${paidModel ?? '?'}` })
      if (!paymentRef) faults.push({ reason: 'signature', detail: 'no payment of this client to bind the receipt to' })
      else faults.push(...(await checkSignature(draft, { domain: { chainId: connection.chainId, verifyingContract: channels.address }, payment: paymentRef, cost: /^\d+$/.test(cost) ? BigInt(cost) : 0n, signature: receipt.signature, operator: payment.operator })))
    } catch (error) {
      faults = [{ reason: 'request', detail: `the receipt cannot be read: ${(error as Error).message.split('\n')[0]}` }]
    }
    if (faults.length > 0) {
      const kept = await evidence('invalid', faults)
      throw new ReceiptInvalidError(base, faults, kept.file, kept.evidence)
    }
    // The answer's bill, or the consumed total the node reports with it, goes beyond what this client accounts for.
    const billed = signedVoucher && paying.channelClient?.disputes.get(`${signedVoucher.channelId}:${signedVoucher.modelId}`)
    if (billed) throw new NodeOverbilledError(billed, (await evidence('overbilled', [{ reason: 'usage', detail: billed }])).file)
    signedReceipt = {
      draft,
      operator: payment.operator,
      signature: receipt.signature,
      cost,
      voucher: payment.scheme === 'channel' && voucher ? { channelId: voucher.channelId, modelId: voucher.modelId.toString(), cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: voucher.feeShareBps } : null,
      exchange,
      ...(paymentRef ? { paymentRef } : {}),
    }
    if (params.audit && Math.random() < params.audit.rate) {
      const verdict = await auditReceipt(ctx, signedReceipt, params.audit)
      audit = verdict
      if (verdict.verdict === 'mismatch') audit.evidenceFile = (await evidence('audit', [{ reason: 'output', detail: `the ${verdict.by} audit replayed it as a mismatch (${verdict.reasons.join(', ')})` }])).file
    }
  }
  return {
    node: base,
    model,
    text: streamed.text,
    finishReason: streamed.finishReason,
    usage: { promptTokens: Number(usage.prompt_tokens ?? 0), completionTokens: Number(usage.completion_tokens ?? 0) },
    cost,
    costText: formatToken(cost, token),
    payment,
    receipt: receipt ?? null,
    ...(signedReceipt ? { signedReceipt } : {}),
    ...(audit ? { audit } : {}),
  }
}


/** An abort signal that fires after `ms` without a `reset`. */
function idleWatchdog(ms: number) {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const watchdog = {
    signal: controller.signal,
    fired: false,
    reset: () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        watchdog.fired = true
        controller.abort(new Error(`no data for ${ms} ms`))
      }, ms)
    },
    stop: () => clearTimeout(timer),
  }
  watchdog.reset()
  return watchdog
}

function paymentResponse(response: Response) {
  const header = response.headers.get('payment-response') ?? response.headers.get('x-payment-response')
  if (!header) return undefined
  try {
    return decodePaymentResponseHeader(header)
  } catch {
    return undefined
  }
}
