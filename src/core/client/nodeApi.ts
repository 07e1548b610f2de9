// A modeldao serving node's HTTP API as a client sees it: which model it serves, its receipts, its errors.
import type { ReceiptDraft } from '../receipts/draft.js'
import { NodeRequestFailedError, NodeUnreachableError } from './errors.js'

/** The model a node serves, from its /v1/models; also proves a modeldao node answers there. */
export async function nodeModel(base: string): Promise<string> {
  let listed: { data?: { id?: string }[] }
  try {
    const response = await fetch(`${base}/v1/models`, { signal: AbortSignal.timeout(15_000) })
    if (!response.ok) throw new Error(`GET /v1/models answered ${response.status}`)
    listed = (await response.json()) as typeof listed
  } catch (error) {
    throw new NodeUnreachableError(base, error)
  }
  const id = listed.data?.[0]?.id
  if (!id) throw new NodeUnreachableError(base, new Error('its /v1/models lists no model'))
  return id
}

/** The OpenAI-shaped error of a refused request. */
export async function errorBody(response: Response): Promise<{ code: string | undefined; message: string }> {
  const text = await response.text()
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } }
    return { code: parsed.error?.code ?? undefined, message: parsed.error?.message ?? text }
  } catch {
    return { code: undefined, message: text.slice(0, 200) || response.statusText }
  }
}

/** The receipt a node keeps for a request (GET /v1/receipts/<id>). */
export async function nodeReceipt(base: string, id: string): Promise<ReceiptDraft> {
  const response = await fetch(`${base}/v1/receipts/${id}`)
  if (!response.ok) throw new NodeRequestFailedError(base, response.status, `no receipt ${id} (${(await errorBody(response)).message})`)
  return (await response.json()) as ReceiptDraft
}
