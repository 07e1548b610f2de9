import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ModeldaoContext } from '../context/context.js'
import { describeCause } from '../errors/base.js'
import type { AuditedReceipt } from '../client/audit.js'
import { Service } from '../service/service.js'
import { verifyReceipt, type VerifyReceiptReturnType } from '../actions/verify/verifyReceipt.js'
import { fileChallenge } from '../actions/verify/fileChallenge.js'
import { ProbeLog } from './probeLog.js'
import { checkSignature } from '../receipts/check.js'
import { requestHash, textHash } from '../receipts/request.js'
import { voucherDigest } from '../payments/vouchers.js'

export type AuditServerOptions = {
  host?: string | undefined
  port?: number | undefined
  /** A local copy of the registered weights (a folder or GGUF) instead of fetching them per model. */
  weights?: string | undefined
  /** File a challenge on a mismatching channel-paid receipt (the bond comes from the validator's account). */
  challenge?: boolean | undefined
  /** Largest receipt body accepted (default 4 MiB). */
  maxBodyBytes?: number | undefined
  /** Most prompt + output tokens of one receipt (default 16,384): a replay's cost grows with it. */
  maxTokens?: number | undefined
  /** Audits waiting at most (default 16); more are answered 429. */
  maxQueue?: number | undefined
  /** Each audit as it is decided. */
  onAudit?: ((audit: AuditResult) => void) | undefined
}
export type AuditServerInfo = { url: string; host: string; port: number }
export type AuditResult = {
  receiptId: string
  operator: string
  verdict: VerifyReceiptReturnType['verdict']
  reasons: VerifyReceiptReturnType['reasons']
  faults?: VerifyReceiptReturnType['faults']
  challengeId?: string | undefined
}

/**
 * A validator's audit endpoint: clients hand it receipts of their own traffic (`POST /v1/audits` with a signed receipt
 * and its exchange, as `chat --receipt` writes it), it checks the receipt against the exchange and the registered
 * weights, replays it, records the verdict against the node, and with `challenge` files a challenge on a mismatch.
 * Audited traffic is real traffic: a node cannot serve it differently. Replays run one at a time (a replay must not
 * share a batch). Binds 127.0.0.1 unless told otherwise.
 */
export class AuditServer extends Service<AuditServerInfo> {
  private server: Server | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private waiting = 0

  constructor(
    private readonly ctx: ModeldaoContext,
    private readonly options: AuditServerOptions = {},
  ) {
    super()
  }

  protected async open(): Promise<AuditServerInfo> {
    const host = this.options.host ?? '127.0.0.1'
    const server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port ?? 0, host, () => resolve())
    })
    this.server = server
    const port = (server.address() as AddressInfo).port
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, host, port }
  }

  protected async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
    await this.queue.catch(() => undefined)
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    }
    if (req.url === '/health' && req.method === 'GET') return reply(200, { status: 'ok' })
    if (req.url !== '/v1/audits' || req.method !== 'POST') return reply(404, { error: { message: 'This validator takes POST /v1/audits (a signed receipt with its exchange).', code: 'route_not_found' } })
    let evidence: AuditedReceipt
    try {
      const limit = this.options.maxBodyBytes ?? 4 << 20
      const parts: Buffer[] = []
      let size = 0
      for await (const chunk of req) {
        size += (chunk as Buffer).length
        if (size > limit) return reply(413, { error: { message: `The receipt is above ${limit} bytes.`, code: 'request_too_large' } })
        parts.push(chunk as Buffer)
      }
      evidence = JSON.parse(Buffer.concat(parts).toString('utf8')) as AuditedReceipt
      if (!evidence?.draft || typeof evidence.draft !== 'object' || !evidence.exchange) throw new Error('it needs draft and exchange (as `chat --receipt` writes them)')
    } catch (error) {
      return reply(400, { error: { message: `The audit request is not a signed receipt: ${describeCause(error)}`, code: 'invalid_receipt' } })
    }
    // Only what the operator signed can count against it: the exchange must be the one the receipt commits to, and
    // the signature must recover to an operator over a payment the evidence names.
    const problem = await this.unprovable(evidence)
    if (problem) return reply(400, { error: { message: `The receipt cannot be held against its node: ${problem}.`, code: 'unprovable' } })
    if (this.waiting >= (this.options.maxQueue ?? 16)) return reply(429, { error: { message: 'The auditor is busy; try again shortly.', code: 'queue_full' } })
    this.waiting++
    const run = this.queue.then(() => this.audit(evidence)).finally(() => this.waiting--)
    this.queue = run.catch(() => undefined)
    try {
      reply(200, await run)
    } catch (error) {
      reply(422, { error: { message: `The receipt could not be audited: ${describeCause(error)}`, code: 'unverifiable' } })
    }
  }

  /** Why the evidence cannot be held against its node, if it cannot (the signed commitments and the signature). */
  private async unprovable(evidence: AuditedReceipt): Promise<string | undefined> {
    const { draft, exchange } = evidence
    const tokens = (draft.promptTokenIds?.length ?? 0) + (Array.isArray(draft.outputTokens) ? draft.outputTokens.length : 0)
    if (tokens > (this.options.maxTokens ?? 16_384)) return `it holds ${tokens} tokens, above this auditor's ${this.options.maxTokens ?? 16_384}`
    try {
      if (requestHash(exchange!.endpoint, exchange!.request) !== String(draft.requestHash).toLowerCase()) return 'the request given is not the one the receipt commits to'
      if (textHash(exchange!.text) !== draft.textHash) return 'the text given is not the one the receipt commits to'
      const connection = await this.ctx.chain()
      const channels = await this.ctx.contract('PaymentChannels')
      const domain = { chainId: connection.chainId, verifyingContract: channels.address }
      const voucher = evidence.voucher
      const payment = voucher ? voucherDigest(domain, { channelId: voucher.channelId, modelId: BigInt(voucher.modelId), cumulativeAmount: BigInt(voucher.cumulativeAmount), feeShareBps: voucher.feeShareBps }) : evidence.paymentRef
      if (!payment || !/^\d+$/.test(String(evidence.cost))) return 'it names no payment (voucher or payment reference) and cost the signature is bound to'
      const faults = await checkSignature(draft, { domain, payment, cost: BigInt(evidence.cost), signature: evidence.signature, operator: evidence.operator })
      return faults[0]?.detail
    } catch (error) {
      return describeCause(error)
    }
  }

  private async audit(evidence: AuditedReceipt): Promise<AuditResult> {
    const verified = await verifyReceipt(this.ctx, { receipt: evidence.draft, exchange: evidence.exchange, weights: this.options.weights })
    // Usage figures are the node's unsigned words: only what the signature binds counts here.
    const faults = verified.faults?.filter((f) => f.reason !== 'usage')
    const reasons = verified.reasons.filter((r) => r !== 'usage' || faults?.some((f) => f.reason === 'usage'))
    const verdict = reasons.length ? 'mismatch' : 'match'
    const result: AuditResult = { receiptId: evidence.draft.id, operator: evidence.operator, verdict, reasons, ...(faults ? { faults } : {}) }
    const connection = await this.ctx.chain()
    const log = new ProbeLog(this.ctx.home.validator)
    try {
      if (evidence.draft.modelId) log.add(connection.chainId, evidence.draft.modelId, evidence.operator, evidence.draft.id, verdict)
    } finally {
      log.close()
    }
    // On chain a challenge is bound to a channel voucher: an exact payment's receipt is recorded, not filed.
    if (verdict === 'mismatch' && this.options.challenge && evidence.voucher) result.challengeId = (await fileChallenge(this.ctx, { evidence: { ...evidence, voucher: evidence.voucher } })).challengeId
    this.options.onAudit?.(result)
    return result
  }
}
