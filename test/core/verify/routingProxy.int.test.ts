// A cheating operator runs two nodes behind one endpoint: the genuine weights and a one-layer copy. Its proxy sends
// whatever looks like the old probes (POST /v1/completions, not streamed, or temperature 0) to the genuine node and
// everything else to the cheap one. The old probe shape passes it; probes made by the client code itself (drawn like
// client traffic) and clients auditing their own receipts (replayed here, or handed to `validator serve`) catch it.
// Real anvil, real paid nodes, real llama.cpp.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalAccount } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat } from '../../../src/core/actions/client/chat.js'
import { openChannel } from '../../../src/core/actions/channel/openChannel.js'
import { ServingNode } from '../../../src/core/actions/node/startServingNode.js'
import { mintTestTokens } from '../../../src/core/actions/token/mintTestTokens.js'
import { spotCheck } from '../../../src/core/actions/verify/spotCheck.js'
import { verifyReceipt } from '../../../src/core/actions/verify/verifyReceipt.js'
import type { ModeldaoContext } from '../../../src/core/context/context.js'
import { createPayingFetch } from '../../../src/core/payments/payingFetch.js'
import type { ReceiptDraft } from '../../../src/core/receipts/draft.js'
import { AuditServer } from '../../../src/core/verify/auditServer.js'
import { chainHome, type ChainHome } from '../../helpers/chainHome.js'
import { jsonCli } from '../../helpers/cli.js'
import { devContexts } from '../../helpers/contexts.js'
import { answer, forward, loopbackProxy } from '../../helpers/proxy.js'

const PRICES = { perRequest: 1_000n, perOutputToken: 100n }

/** Routes on what the old probes looked like: endpoint, stream and temperature. Records where each answered request went. */
async function routingProxy(genuine: string, cheap: string) {
  const routed: ('genuine' | 'cheap')[] = []
  const proxy = await loopbackProxy(async (req, raw, res) => {
    let body: { stream?: boolean; temperature?: number } = {}
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as typeof body
    } catch {}
    const looksLikeProbe = req.url === '/v1/completions' || body.temperature === 0 || body.stream !== true
    const target = req.method === 'POST' && !looksLikeProbe ? cheap : genuine
    const upstream = await forward(target, req, raw)
    // Paid and served (a corrective 402 before it is not an answer).
    if (req.method === 'POST' && upstream.status === 200) routed.push(target === cheap ? 'cheap' : 'genuine')
    answer(res, upstream, Buffer.from(await upstream.arrayBuffer()))
  })
  return { ...proxy, routed }
}

describe('a routing proxy that serves probes the genuine weights and clients a cheap copy is caught', () => {
  let chain: ChainHome
  let modelId: string
  let weights: string
  const nodes: ServingNode[] = []
  let proxy: Awaited<ReturnType<typeof routingProxy>>
  let client: ModeldaoContext
  let operatorAddress: `0x${string}`
  const { as, disposeAll } = devContexts(() => chain.root)

  beforeAll(async () => {
    chain = await chainHome()
    const cli = jsonCli(() => chain.root)
    weights = join(chain.root, 'weights')
    await mkdir(weights)
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '3', '--out', join(weights, 'model.gguf')])
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '3', '--layers', '1', '--out', join(chain.root, 'cheap.gguf')])
    modelId = String((await cli(['model', 'publish', weights, '--name', 'routed', '--dev-account', '0', '--yes'])).result.model.modelId)
    // One operator, two nodes: both sign with its key and book into its one payment store.
    const options = { model: modelId, port: 0, contextSize: 256, maxTokens: 48, payments: { prices: PRICES, settleEveryMs: 0 } }
    const genuine = new ServingNode(as(1), options)
    const cheap = new ServingNode(as(1), { ...options, devSubstituteWeights: join(chain.root, 'cheap.gguf') })
    nodes.push(genuine, cheap)
    const [g, c] = [await genuine.start(), await cheap.start()]
    proxy = await routingProxy(g.url, c.url)
    operatorAddress = (await as(1).signer()).address
    client = as(2)
    for (const i of [2, 3]) await mintTestTokens(as(i), { amount: '20' })
    await openChannel(client, { operator: operatorAddress, amount: 5_000_000n })
  })
  afterAll(async () => {
    await proxy?.close()
    for (const node of nodes) await node.stop()
    await disposeAll()
    await chain?.stop()
  })

  it('the old probe shape (completions, greedy, not streamed) reaches the genuine weights and replays as a match', async () => {
    const channelId = (await openChannel(as(3), { operator: operatorAddress, amount: 1_000_000n })).channelId
    const paying = createPayingFetch({ account: (await as(3).signer()) as LocalAccount, channelFor: () => channelId })
    const response = await paying(`${proxy.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: modelId, prompt: 'Tell me a story', max_tokens: 16, temperature: 0 }) })
    const body = (await response.json()) as { usage: { receipt: { draft: ReceiptDraft } } }
    expect(proxy.routed.at(-1)).toBe('genuine')
    expect((await verifyReceipt(client, { receipt: body.usage.receipt.draft, weights })).verdict).toBe('match')
  })

  it("probes made by the client's code, drawn like client traffic, reach the cheap copy and are flagged", async () => {
    const before = proxy.routed.length
    const checked = await spotCheck(as(4), { url: proxy.url, modelId, payer: as(3), probes: 6, maxTokens: 24, jitterMs: 0, weights })
    const routes = proxy.routed.slice(before)
    expect(routes).toHaveLength(6)
    // Every probe that reached the cheap copy is a mismatch; every one that reached the genuine weights matches.
    checked.probes.forEach((p, i) => expect(p.verdict, JSON.stringify(p)).toBe(routes[i] === 'cheap' ? 'mismatch' : 'match'))
    // Greedy is 15% of client traffic: six greedy probes in a row happen once in ~88,000 runs.
    expect(checked.mismatches).toBeGreaterThan(0)
  })

  it("a client auditing its own receipts catches it: replayed here, or handed to a validator's audit endpoint", async () => {
    const local = await chat(client, { url: proxy.url, model: modelId, messages: [{ role: 'user', content: 'Write a haiku about rain' }], maxTokens: 16, audit: { rate: 1, weights } })
    expect(proxy.routed.at(-1)).toBe('cheap')
    expect(local.audit).toMatchObject({ by: 'local', verdict: 'mismatch', evidenceFile: expect.stringContaining('audit') })

    const auditor = new AuditServer(as(4), { weights })
    try {
      const { url } = await auditor.start()
      const handed = await chat(client, { url: proxy.url, model: modelId, messages: [{ role: 'user', content: 'What is a good name for a cat?' }], maxTokens: 16, audit: { rate: 1, auditor: url }, allowFaulted: true })
      expect(handed.audit).toMatchObject({ by: 'validator', verdict: 'mismatch' })
      expect(handed.audit!.reasons.length).toBeGreaterThan(0)
      // Only what the operator signed counts: a genuine receipt with a text the client made up, or a signature that is
      // not the operator's, is refused as unprovable, not recorded against the node.
      const kept = handed.signedReceipt!
      const post = (body: unknown) => fetch(`${url}/v1/audits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      const madeUp = await post({ ...kept, exchange: { ...kept.exchange, text: 'something else' } })
      expect(madeUp.status).toBe(400)
      expect(((await madeUp.json()) as { error: { code: string } }).error.code).toBe('unprovable')
      const forged = await post({ ...kept, signature: `0x${'11'.repeat(65)}` })
      expect(forged.status).toBe(400)
      // The same client's greedy request reaches the genuine weights: the validator finds it honest.
      const honest = await chat(client, { url: proxy.url, model: modelId, messages: [{ role: 'user', content: 'What is a good name for a cat?' }], maxTokens: 16, temperature: 0, audit: { rate: 1, auditor: url }, allowFaulted: true })
      expect(proxy.routed.at(-1)).toBe('genuine')
      expect(honest.audit).toMatchObject({ by: 'validator', verdict: 'match' })
    } finally {
      await auditor.stop()
    }
  })
})
