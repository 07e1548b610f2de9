// What a node sees of probes and of clients, side by side: a real paid node on a local anvil, a recording proxy in
// front of it, client chats (three client wallets) and a validator's spot checks (a probe wallet) through it. Each
// request the node receives is reduced to the features a cheating node could route on; the bench prints, per feature,
// the distance between the two streams (total variation for categories, Kolmogorov–Smirnov for lengths and amounts).
// Clients draw their request settings from `drawClientShape` (a model of client traffic, the same one probes are
// drawn from): what this measures is whether anything beyond those settings — the code path, the payment, the channel,
// extra requests — tells a probe apart. Distances from the settings alone are sampling noise at this count.
import { decodePaymentSignatureHeader } from '@x402/core/http'
import type { Hex } from 'viem'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chainDown } from '../src/core/actions/chain/chainDown.js'
import { chainUp } from '../src/core/actions/chain/chainUp.js'
import { chat } from '../src/core/actions/client/chat.js'
import { publishModel } from '../src/core/actions/models/publishModel.js'
import { ServingNode } from '../src/core/actions/node/startServingNode.js'
import { mintTestTokens } from '../src/core/actions/token/mintTestTokens.js'
import { spotCheck } from '../src/core/actions/verify/spotCheck.js'
import { findFreePort } from '../src/core/chain/local/ports.js'
import { createModeldao, type ModeldaoContext } from '../src/core/context/context.js'
import { writeDevModel } from '../src/core/models/devModel.js'
import { drawClientShape } from '../src/core/verify/probes.js'
import { answer, forward, loopbackProxy } from '../test/helpers/proxy.js'
import { attempt, ratio, type Benchmark, type BenchRatio, type BenchRow } from './types.js'

const REQUESTS = Number(process.env.MODELDAO_BENCH_PROBE_REQUESTS ?? 40)
const PRICES = { perRequest: 1_000n, perOutputToken: 100n }
/** Client deposits: round amounts a person types (`chat --deposit 5`), in token units (6 decimals). */
const CLIENT_DEPOSITS = [1n, 2n, 5n, 5n, 10n, 20n].map((t) => t * 1_000_000n)

/** What a node can see of one request (before it answers). */
type Seen = {
  route: string
  headers: string
  bodyKeys: string
  stream: string
  temperature: string
  maxTokens: string
  system: string
  scheme: string
  promptChars: number
  /** The channel a voucher pays from (its balance is read on chain afterwards, as a node would). */
  channelId?: Hex | undefined
}

function seen(method: string, url: string, requestHeaders: Record<string, string | string[] | undefined>, raw: Buffer): Seen {
  const headerNames = Object.keys(requestHeaders)
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>
  } catch {}
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: string }[]) : []
  let scheme = 'none'
  let channelId: Hex | undefined
  const header = requestHeaders['payment-signature']
  if (typeof header === 'string') {
    try {
      const payload = decodePaymentSignatureHeader(header)
      scheme = String(payload.accepted?.scheme)
      channelId = (payload.payload as { channelId?: Hex }).channelId
    } catch {
      scheme = 'malformed'
    }
  }
  return {
    route: `${method} ${url}`,
    // Which headers, not their values (the payment header's value is the payment itself).
    headers: headerNames.filter((h) => h !== 'host' && h !== 'content-length').sort().join(','),
    // The keys no request setting decides (temperature and max_tokens are there when a user sets them: features of their own).
    bodyKeys: Object.keys(body).filter((k) => k !== 'temperature' && k !== 'max_tokens').sort().join(','),
    stream: String(body.stream),
    temperature: String(body.temperature),
    maxTokens: String(body.max_tokens),
    system: String(messages.some((m) => m.role === 'system')),
    scheme,
    promptChars: messages.reduce((n, m) => n + String(m.content ?? '').length, 0),
    channelId,
  }
}

/** Total variation distance between the empirical distributions of one categorical feature. */
function totalVariation(a: readonly string[], b: readonly string[]): number {
  const share = (xs: readonly string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1 / xs.length), new Map<string, number>())
  const [pa, pb] = [share(a), share(b)]
  let sum = 0
  for (const key of new Set([...pa.keys(), ...pb.keys()])) sum += Math.abs((pa.get(key) ?? 0) - (pb.get(key) ?? 0))
  return sum / 2
}

/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs. */
function kolmogorovSmirnov(a: readonly number[], b: readonly number[]): number {
  const points = [...new Set([...a, ...b])].sort((x, y) => x - y)
  const cdf = (xs: readonly number[], t: number) => xs.filter((x) => x <= t).length / xs.length
  return Math.max(0, ...points.map((t) => Math.abs(cdf(a, t) - cdf(b, t))))
}

/**
 * The KS statistic two samples of these sizes from one distribution stay under with 99% probability
 * (c(α) · sqrt((n + m) / (n·m)), c = 1.63): a larger distance is a real difference, not noise.
 */
const ksCritical = (n: number, m: number) => 1.63 * Math.sqrt((n + m) / (n * m))

export const probesBenchmark: Benchmark = {
  name: 'probes',
  description: `Probe vs client features a node sees: ${REQUESTS} client chats and ${REQUESTS} validator probes through a recording proxy to a real paid node (tiny model, anvil)`,
  async run() {
    const rows: BenchRow[] = []
    const ratios: BenchRatio[] = []
    const home = await mkdtemp(join(tmpdir(), 'modeldao-bench-probes-'))
    const contexts: ModeldaoContext[] = []
    const as = (devAccount?: number) => {
      const md = createModeldao({ home, ...(devAccount === undefined ? {} : { devAccount }) })
      contexts.push(md)
      return md
    }
    let node: ServingNode | undefined
    let proxy: Awaited<ReturnType<typeof loopbackProxy>> | undefined
    try {
      await attempt(rows, 'probe vs client features', 'distance', async () => {
        await chainUp(as(), { port: await findFreePort() })
        const weights = join(home, 'weights')
        await mkdir(weights)
        await writeDevModel(join(weights, 'model.gguf'), { preset: 'tiny', seed: 3, type: 'f32' })
        const published = await publishModel(as(0), { inputs: [weights], name: 'probed' })
        const modelId = String(published.model!.modelId)
        node = new ServingNode(as(1), { model: modelId, port: 0, contextSize: 512, maxTokens: 64, payments: { prices: PRICES, settleEveryMs: 0 } })
        const { url: nodeUrl } = await node.start()
        // Who sent each request is known to the bench only: the proxy records what the node would see, in order.
        let side = 'client' as 'client' | 'probe'
        const recorded: { side: typeof side; seen: Seen }[] = []
        proxy = await loopbackProxy(async (req, raw, res) => {
          recorded.push({ side, seen: seen(req.method ?? 'GET', req.url ?? '', req.headers, raw) })
          const upstream = await forward(nodeUrl, req, raw)
          answer(res, upstream, Buffer.from(await upstream.arrayBuffer()))
        })
        const clients = [2, 3, 4].map((i) => as(i))
        for (const c of [...clients, as(5)]) await mintTestTokens(c, { amount: '100' })
        const funded = new Set<ModeldaoContext>()
        for (let i = 0; i < REQUESTS; i++) {
          const shape = drawClientShape({ maxTokensCap: 64 })
          const client = clients[i % clients.length]!
          await chat(client, {
            url: proxy.url,
            messages: [...(shape.system ? [{ role: 'system' as const, content: shape.system }] : []), { role: 'user' as const, content: shape.prompt }],
            maxTokens: shape.maxTokens,
            temperature: shape.temperature,
            pay: shape.pay,
            // A client funds its channel once (a round amount it chose), then reuses it.
            deposit: shape.pay === 'channel' && !funded.has(client) ? CLIENT_DEPOSITS[i % CLIENT_DEPOSITS.length] : undefined,
          })
          if (shape.pay === 'channel') funded.add(client)
        }
        side = 'probe'
        const operator = (await as(1).signer()).address
        const check = await spotCheck(as(6), { url: proxy.url, modelId, payer: as(5), operator, probes: REQUESTS, maxTokens: 64, jitterMs: 100 })
        const client = recorded.filter((r) => r.side === 'client').map((r) => r.seen)
        const probe = recorded.filter((r) => r.side === 'probe').map((r) => r.seen)
        rows.push({ label: 'client requests the node received', value: client.length, unit: 'requests' }, { label: 'probe requests the node received', value: probe.length, unit: 'requests' })
        rows.push({ label: 'probes flagged (honest node)', value: check.mismatches + check.withheld, unit: `of ${check.probes.length}` })
        const categorical: (keyof Seen)[] = ['route', 'headers', 'bodyKeys', 'stream', 'scheme', 'temperature', 'maxTokens', 'system']
        for (const feature of categorical) {
          const distance = totalVariation(client.map((s) => String(s[feature])), probe.map((s) => String(s[feature])))
          const counts = (xs: Seen[]) => [...xs.reduce((m, x) => m.set(String(x[feature]), (m.get(String(x[feature])) ?? 0) + 1), new Map<string, number>())].map(([v, n]) => `${v || '∅'}×${n}`).join(' ')
          rows.push({ label: `${feature}: total variation, probes vs clients`, value: distance, unit: '0–1', ...(distance > 0 && ['route', 'headers', 'bodyKeys', 'stream'].includes(feature) ? { note: `clients ${counts(client)}; probes ${counts(probe)}` } : {}) })
        }
        // Code-path features: no request setting drives them, so a combination only probes send (or only clients) is a
        // tell. Their shares above differ a little with the mix of schemes (an exact payment takes one POST more).
        const signature = (x: Seen) => [x.route, x.headers, x.bodyKeys, x.stream].join(' | ')
        const clientSignatures = new Set(client.map(signature))
        const probeSignatures = new Set(probe.map(signature))
        const probeOnly = probe.filter((x) => !clientSignatures.has(signature(x))).length / Math.max(1, probe.length)
        const clientOnly = client.filter((x) => !probeSignatures.has(signature(x))).length / Math.max(1, client.length)
        rows.push({ label: 'probe requests whose route, headers, body keys and stream no client request has', value: probeOnly, unit: 'share' }, { label: 'client requests whose route, headers, body keys and stream no probe has', value: clientOnly, unit: 'share' })
        ratios.push(ratio('probe vs client: share of requests with a code-path signature the other side never sends', Math.max(probeOnly, clientOnly), { op: '<=', value: 0 }))
        // Settings are per chat, and a chat is two or three POSTs (the 402 first): compare one request per chat.
        const firstAsks = (xs: Seen[]) => xs.filter((x) => x.route.startsWith('POST ') && x.scheme === 'none').map((x) => x.promptChars)
        const [clientPrompts, probePrompts] = [firstAsks(client), firstAsks(probe)]
        const ks = kolmogorovSmirnov(clientPrompts, probePrompts)
        const bound = ksCritical(clientPrompts.length, probePrompts.length)
        rows.push({ label: 'prompt length per chat: KS distance, probes vs clients', value: ks, unit: '0–1' }, { label: 'KS distance two samples of one distribution stay under (99%)', value: bound, unit: '0–1' })
        ratios.push(ratio('probe vs client: prompt-length KS distance / 99% noise bound', ks / bound, { op: '<=', value: 1 }))
        // The channel each voucher pays from, as the node reads it on chain: its balance (≈ the deposit) and its payer.
        const [connection, channels] = await Promise.all([as().chain(), as().contract('PaymentChannels')])
        const balanceOf = new Map<Hex, bigint>()
        for (const id of new Set(recorded.map((r) => r.seen.channelId).filter((id): id is Hex => id !== undefined))) {
          const [, , , , balance] = await connection.publicClient.readContract({ address: channels.address, abi: channels.abi, functionName: 'channel', args: [id] })
          balanceOf.set(id, balance)
        }
        const balances = (xs: Seen[]) => xs.flatMap((s) => (s.channelId ? [Number(balanceOf.get(s.channelId) ?? 0n) / 1e6] : []))
        const [cb, pb] = [balances(client), balances(probe)]
        if (cb.length > 0 && pb.length > 0) {
          rows.push({ label: 'channel balance behind a voucher: KS distance, probes vs clients', value: kolmogorovSmirnov(cb, pb), unit: '0–1', note: `clients ${[...new Set(cb)].join('/')} tokens, probes ${[...new Set(pb)].join('/')}` })
        }
        rows.push({ label: 'channels paying the requests: clients', value: new Set(client.map((s) => s.channelId).filter(Boolean)).size, unit: 'channels' }, { label: 'channels paying the requests: probes', value: new Set(probe.map((s) => s.channelId).filter(Boolean)).size, unit: 'channels' })
        // GETs: the model lookup a client without --model makes, and receipt fetches (after each answer: the old probes' tell).
        const gets = (xs: Seen[]) => xs.filter((s) => s.route.startsWith('GET ')).length
        rows.push({ label: 'GET requests (model lookups, receipt fetches): clients', value: gets(client), unit: 'requests' }, { label: 'GET requests (model lookups, receipt fetches): probes', value: gets(probe), unit: 'requests' })
      })
    } finally {
      await proxy?.close().catch(() => undefined)
      await node?.stop().catch(() => undefined)
      for (const c of contexts) await c.dispose().catch(() => undefined)
      await chainDown(createModeldao({ home })).catch(() => undefined)
      await rm(home, { recursive: true, force: true })
    }
    return { rows, ratios }
  },
}
