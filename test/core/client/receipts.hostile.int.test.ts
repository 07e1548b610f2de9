// A cheating operator's proxy in front of its own real paid node (real anvil, real llama.cpp, the real client code):
// it holds the operator's key, so every receipt it forges is validly signed and bound to the client's real voucher.
// It re-signs one genuine receipt for every later request, empties a receipt's output, or withholds the receipt. The
// client (chat) and the validator's probes (spotCheck, through the same client code) must name each forgery, keep the
// evidence, and stop paying that operator.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodePaymentSignatureHeader } from '@x402/core/http'
import type { Address, Hex, LocalAccount } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat } from '../../../src/core/actions/client/chat.js'
import { openChannel } from '../../../src/core/actions/channel/openChannel.js'
import { ServingNode } from '../../../src/core/actions/node/startServingNode.js'
import { mintTestTokens } from '../../../src/core/actions/token/mintTestTokens.js'
import { spotCheck } from '../../../src/core/actions/verify/spotCheck.js'
import { verifyReceipt } from '../../../src/core/actions/verify/verifyReceipt.js'
import { writeProtocol } from '../../../src/core/actions/chain/writeProtocol.js'
import type { ModeldaoContext } from '../../../src/core/context/context.js'
import { receiptCommitment } from '../../../src/core/receipts/codec.js'
import type { ReceiptDraft } from '../../../src/core/receipts/draft.js'
import { signReceipt } from '../../../src/core/receipts/signing.js'
import { voucherDigest } from '../../../src/core/payments/vouchers.js'
import type { ChannelPayload } from '../../../src/core/payments/scheme.js'
import { chainHome, type ChainHome } from '../../helpers/chainHome.js'
import { jsonCli, runCli } from '../../helpers/cli.js'
import { answer, forward, loopbackProxy } from '../../helpers/proxy.js'
import { devContexts } from '../../helpers/contexts.js'

const PRICES = { perRequest: 1_000n, perOutputToken: 100n }
type Mode = 'pass' | 'resign-first' | 'empty-output' | 'withhold' | 'no-header' | 'model-path'

/** The operator's proxy: forwards to its node, then rewrites the receipt in the final usage chunk as `mode` says. */
async function operatorProxy(target: string, operator: LocalAccount, domain: { chainId: number; verifyingContract: Address }) {
  const state = { mode: 'pass' as Mode, first: undefined as ReceiptDraft | undefined, payments: 0, modelPath: '' }
  const proxy = await loopbackProxy(async (req, body, res) => {
    const paid = req.headers['payment-signature'] as string | undefined
    if (paid) state.payments++
    const upstream = await forward(target, req, body)
    let text = await upstream.text()
    if (upstream.status === 200 && paid && req.url?.includes('/completions')) {
      const voucher = (decodePaymentSignatureHeader(paid).payload as unknown as ChannelPayload)
      const digest = voucherDigest(domain, { channelId: voucher.channelId, modelId: BigInt(voucher.modelId), cumulativeAmount: BigInt(voucher.cumulativeAmount), feeShareBps: voucher.feeShareBps })
      const events = text.split('\n\n')
      for (let i = 0; i < events.length; i++) {
        if (!events[i]!.startsWith('data: {') || !events[i]!.includes('"usage"')) continue
        const chunk = JSON.parse(events[i]!.slice(6)) as { usage: { cost: string; receipt?: { id: string; signature: Hex; draft: ReceiptDraft } } }
        const receipt = chunk.usage.receipt!
        state.first ??= receipt.draft
        let forged: ReceiptDraft | undefined
        if (state.mode === 'withhold') delete chunk.usage.receipt
        if (state.mode === 'resign-first') forged = { ...state.first, id: receipt.id }
        if (state.mode === 'empty-output') forged = { ...receipt.draft, outputTokens: [], logprobs: [], logitGaps: [], finishReason: 'stop' }
        // Without the PAYMENT-RESPONSE header, and a re-signed receipt: the client must still check it.
        if (state.mode === 'no-header') forged = { ...state.first, id: receipt.id }
        // A receipt that names another model (say one whose cheap weights the operator registered itself): audits
        // would judge it against those.
        if (state.mode === 'model-path') forged = { ...receipt.draft, modelId: state.modelPath }
        if (forged) {
          const signature = await signReceipt(operator, domain, { ...receiptCommitment(forged), payment: digest, cost: BigInt(chunk.usage.cost) })
          chunk.usage.receipt = { id: receipt.id, signature, draft: forged }
        }
        events[i] = `data: ${JSON.stringify(chunk)}`
      }
      text = events.join('\n\n')
    }
    answer(res, upstream, text, state.mode === 'no-header' ? ['payment-response'] : [])
  })
  return { ...proxy, state }
}

describe('receipts bind what was served: a cheating operator cannot re-sign, empty or withhold them', () => {
  let chain: ChainHome
  let modelId: string
  let node: ServingNode
  let proxy: Awaited<ReturnType<typeof operatorProxy>>
  let client: ModeldaoContext
  let weights: string
  const { as, disposeAll } = devContexts(() => chain.root)

  beforeAll(async () => {
    chain = await chainHome()
    const cli = jsonCli(() => chain.root)
    weights = join(chain.root, 'weights')
    await mkdir(weights)
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '5', '--out', join(weights, 'model.gguf')])
    modelId = String((await cli(['model', 'publish', weights, '--name', 'bound', '--dev-account', '0', '--yes'])).result.model.modelId)
    const operator = as(1)
    node = new ServingNode(operator, { model: modelId, port: 0, contextSize: 256, maxTokens: 48, payments: { prices: PRICES, settleEveryMs: 0 } })
    const { url } = await node.start()
    const [connection, channels, account] = await Promise.all([operator.chain(), operator.contract('PaymentChannels'), operator.signer()])
    proxy = await operatorProxy(url, account as LocalAccount, { chainId: connection.chainId, verifyingContract: channels.address })
    client = as(2)
    await mintTestTokens(client, { amount: '20' })
    await openChannel(client, { operator: account.address, amount: 5_000_000n })
  })
  afterAll(async () => {
    await proxy?.close()
    await node?.stop()
    await disposeAll()
    await chain?.stop()
  })

  const ask = (content: string, extra: Partial<Parameters<typeof chat>[1]> = {}) =>
    chat(client, { url: proxy.url, model: modelId, messages: [{ role: 'user', content }], maxTokens: 12, temperature: 0, pay: 'channel', idleTimeoutMs: 20_000, ...extra })

  let honestReceipt: NonNullable<Awaited<ReturnType<typeof chat>>['signedReceipt']>

  it('an honest exchange passes every check, and the kept receipt (with the exchange) verifies against the weights', async () => {
    proxy.state.mode = 'pass'
    const answer = await ask('Tell me a story')
    honestReceipt = answer.signedReceipt!
    expect(answer.signedReceipt?.exchange?.text).toBe(answer.text)
    const verified = await verifyReceipt(client, { receipt: answer.signedReceipt!.draft, exchange: answer.signedReceipt!.exchange, weights })
    expect(verified).toMatchObject({ verdict: 'match', reasons: [] })
    // verify challenge replays first: an honest receipt is not filed (it used to freeze the stake and lose the bond).
    const file = join(chain.root, 'honest.receipt.json')
    await writeFile(file, JSON.stringify(answer.signedReceipt))
    const refused = await runCli(['verify', 'challenge', file, '--weights', weights, '--yes', '--dev-account', '3', '--json'], { home: chain.root })
    expect(refused.json?.error?.code, refused.stdout + refused.stderr).toBe('CHALLENGE_REPLAYS_MATCH')
  })

  it('one genuine receipt re-signed for another request: RECEIPT_INVALID (request, text), evidence kept; verify receipt calls it a mismatch too', async () => {
    proxy.state.mode = 'resign-first'
    const error = (await ask('What are weights?', { allowFaulted: true }).catch((e: unknown) => e)) as { code: string; faults: { reason: string }[]; evidenceFile: string; evidence: { receipt: { draft: ReceiptDraft }; request: unknown; received: { text: string; usage: Record<string, unknown> } } }
    expect(error.code).toBe('RECEIPT_INVALID')
    expect(error.faults.map((f) => f.reason)).toEqual(expect.arrayContaining(['request', 'text']))
    const kept = JSON.parse(await readFile(error.evidenceFile, 'utf8'))
    expect(kept).toMatchObject({ kind: 'invalid', payment: { scheme: 'channel', signature: expect.stringMatching(/^0x/) } })
    // The forged receipt alone replays as honest (it is a genuine one): only the exchange exposes it.
    const alone = await verifyReceipt(client, { receipt: error.evidence.receipt.draft, weights })
    expect(alone.verdict).toBe('match')
    const withExchange = await verifyReceipt(client, { receipt: error.evidence.receipt.draft, exchange: { endpoint: 'chat', request: error.evidence.request, text: error.evidence.received.text, usage: error.evidence.received.usage }, weights })
    expect(withExchange.verdict).toBe('mismatch')
    expect(withExchange.reasons).toEqual(expect.arrayContaining(['request', 'text']))
  })

  it('a receipt emptied of its output tokens: RECEIPT_INVALID (usage, cost); alone it replays as a mismatch (the weights would not stop there)', async () => {
    proxy.state.mode = 'empty-output'
    const error = (await ask('Hello there', { allowFaulted: true }).catch((e: unknown) => e)) as { code: string; faults: { reason: string }[]; evidence: { receipt: { draft: ReceiptDraft } } }
    expect(error.code).toBe('RECEIPT_INVALID')
    expect(error.faults.map((f) => f.reason)).toEqual(expect.arrayContaining(['usage', 'cost']))
    // Before, a receipt with no output tokens replayed as a match: nothing was evaluated.
    expect(await verifyReceipt(client, { receipt: error.evidence.receipt.draft, weights })).toMatchObject({ verdict: 'mismatch', reasons: ['stop'] })
  })

  it('a paid answer with no PAYMENT-RESPONSE header is still checked (a node cannot opt out of the receipt checks)', async () => {
    proxy.state.mode = 'no-header'
    await expect(ask('Tell me more', { allowFaulted: true })).rejects.toMatchObject({ code: 'RECEIPT_INVALID', faults: expect.arrayContaining([expect.objectContaining({ reason: 'request' })]) })
  })

  it('a receipt naming another model than the one paid: the client refuses it; verify receipt never loads a path or CID a receipt names as its model', async () => {
    proxy.state.mode = 'model-path'
    proxy.state.modelPath = String(Number(modelId) + 1)
    const error = (await ask('Where am I?', { allowFaulted: true }).catch((e: unknown) => e)) as { code: string; faults: { reason: string; detail: string }[]; evidence: { receipt: { draft: ReceiptDraft } } }
    expect(error.code).toBe('RECEIPT_INVALID')
    expect(error.faults).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'request', detail: expect.stringContaining(`the payment for model ${modelId}`) })]))
    await expect(verifyReceipt(client, { receipt: { ...error.evidence.receipt.draft, modelId: join(weights, 'model.gguf') } })).rejects.toMatchObject({ code: 'RECEIPT_MALFORMED' })
  })

  it('a withheld receipt: the validator probe records it as a fault (no crash); chat exits RECEIPT_WITHHELD, then pays that operator no more', async () => {
    proxy.state.mode = 'withhold'
    const probe = as(3)
    await mintTestTokens(probe, { amount: '5' })
    const checked = await spotCheck(as(4), { url: proxy.url, modelId, payer: probe, probes: 3, deposit: 1_000_000n, weights, jitterMs: 0, shapes: [{ prompt: 'Count to five', temperature: 0, maxTokens: 8, pay: 'channel' }] })
    // The first probe is a fault; probing a node the client code refuses to pay proves nothing more.
    expect(checked.probes, JSON.stringify(checked.probes)).toHaveLength(1)
    expect(checked.probes[0]).toMatchObject({ verdict: 'withheld', evidenceFile: expect.stringContaining('withheld') })
    expect(checked.withheld).toBe(1)

    await expect(ask('Count to five', { allowFaulted: true })).rejects.toMatchObject({ code: 'RECEIPT_WITHHELD' })
    const before = proxy.state.payments
    await expect(ask('Count to six')).rejects.toMatchObject({ code: 'NODE_FAULTED' })
    expect(proxy.state.payments).toBe(before)
  })

  it('chat --receipt against a node that serves for free: NO_RECEIPT and no file (it used to say "receipt none written")', async () => {
    const free = new ServingNode(as(1), { model: modelId, port: 0, contextSize: 256, maxTokens: 8 })
    try {
      const { url } = await free.start()
      const file = join(chain.root, 'free.receipt.json')
      const run = await runCli(['chat', 'hi', '--node', url, '--max-tokens', '4', '--receipt', file, '--dev-account', '2', '--json'], { home: chain.root })
      expect(run.code, run.stdout + run.stderr).not.toBe(0)
      expect(run.json.error.code).toBe('NO_RECEIPT')
      await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/)
    } finally {
      await free.stop()
    }
  })

  // Last: it changes the model's canonical version.
  it('a promotion: the node stops serving the superseded weights (503) and says so; an honest v1 receipt is still judged against v1', async () => {
    const changes: { served: string; canonical: string }[] = []
    const watching = new ServingNode(as(1), { model: modelId, port: 0, contextSize: 256, maxTokens: 8, versionCheckMs: 100, onSuperseded: (change) => changes.push(change) })
    try {
      const { url, weights: served } = await watching.start()
      const cli = jsonCli(() => chain.root)
      const v2 = join(chain.root, 'weights-v2')
      await mkdir(v2)
      await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '6', '--out', join(v2, 'model.gguf')])
      const manifestV2 = (await cli(['model', 'publish', v2, '--name', 'bound', '--ipfs-only'])).result.manifestCid as string
      await writeProtocol(as(0), { contract: 'ModelShares', functionName: 'setManifest', args: [BigInt(modelId), manifestV2] })
      await expect.poll(() => changes, { timeout: 10_000, interval: 50 }).toEqual([{ modelId, served: served.manifestCid, canonical: manifestV2 }])
      const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }) })
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('model_version_superseded')
      // Paid while v1 was canonical: judged against v1 (it named v1), not flagged for the promotion.
      const verified = await verifyReceipt(client, { receipt: honestReceipt.draft, exchange: honestReceipt.exchange })
      expect(verified).toMatchObject({ verdict: 'match', version: { judged: served.manifestCid, canonical: manifestV2, canonicalNow: false, supersededAt: expect.any(Number) } })
    } finally {
      await watching.stop()
    }
  })
})
