import type { ModeldaoContext } from '../context/context.js'
import { verifyReceipt } from '../actions/verify/verifyReceipt.js'
import type { SignedReceipt } from '../receipts/signedReceipt.js'
import { NodeRequestFailedError, NodeUnreachableError } from './errors.js'

/** How a client audits a share of its own receipts: replay with the weights at hand, or ask a validator. */
export type AuditOptions = {
  /** Fraction of paid answers audited, in (0, 1]. */
  rate: number
  /** A local copy of the registered weights: audits replay here. */
  weights?: string | undefined
  /** A validator's audit endpoint (`validator serve`): receipts are handed to it when no weights are given. */
  auditor?: string | undefined
}
export type AuditVerdict = { by: 'local' | 'validator'; verdict: 'match' | 'mismatch'; reasons: string[]; challengeId?: string | undefined }

/** A signed receipt as a client keeps it: an exact payment has no voucher. */
export type AuditedReceipt = Omit<SignedReceipt, 'voucher'> & { voucher: SignedReceipt['voucher'] | null }

/** Audits one signed receipt with its exchange: locally when weights are given, else by the auditor. */
export async function auditReceipt(ctx: ModeldaoContext, signed: AuditedReceipt, options: AuditOptions): Promise<AuditVerdict> {
  if (options.weights || !options.auditor) {
    const verified = await verifyReceipt(ctx, { receipt: signed.draft, exchange: signed.exchange, weights: options.weights })
    return { by: 'local', verdict: verified.verdict, reasons: verified.reasons }
  }
  const url = `${options.auditor.replace(/\/+$/, '')}/v1/audits`
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed), signal: AbortSignal.timeout(300_000) })
  } catch (error) {
    throw new NodeUnreachableError(options.auditor, error)
  }
  const body = (await response.json().catch(() => ({}))) as { verdict?: 'match' | 'mismatch'; reasons?: string[]; challengeId?: string; error?: { message?: string } }
  if (!response.ok || !body.verdict) throw new NodeRequestFailedError(options.auditor, response.status, body.error?.message ?? 'the auditor gave no verdict')
  return { by: 'validator', verdict: body.verdict, reasons: body.reasons ?? [], ...(body.challengeId ? { challengeId: body.challengeId } : {}) }
}
