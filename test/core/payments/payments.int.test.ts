import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import OpenAI from 'openai'
import { decodePaymentRequiredHeader, decodePaymentResponseHeader, decodePaymentSignatureHeader, encodePaymentRequiredHeader, encodePaymentResponseHeader, encodePaymentSignatureHeader } from '@x402/core/http'
import { wrapFetchWithPaymentFromConfig } from '@x402/fetch'
import { ExactEvmScheme } from '@x402/evm/exact/client'
import { authorizationTypes } from '@x402/evm'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advanceTime } from '../../../src/core/actions/chain/advanceTime.js'
import { openChannel } from '../../../src/core/actions/channel/openChannel.js'
import { getChannel } from '../../../src/core/actions/channel/getChannel.js'
import { ServingNode } from '../../../src/core/actions/node/startServingNode.js'
import { mintTestTokens } from '../../../src/core/actions/token/mintTestTokens.js'
import { getTokenBalance } from '../../../src/core/actions/token/getTokenBalance.js'
import { createModeldao, type ModeldaoContext } from '../../../src/core/context/context.js'
import { devAccount } from '../../../src/core/chain/local/devAccounts.js'
import { createPayingFetch } from '../../../src/core/payments/payingFetch.js'
import { withdrawChannel } from '../../../src/core/actions/channel/withdrawChannel.js'
import { depositChannel } from '../../../src/core/actions/channel/depositChannel.js'
import { recoverReceiptSigner } from '../../../src/core/receipts/signing.js'
import { receiptCommitment } from '../../../src/core/receipts/codec.js'
import type { ReceiptDraft } from '../../../src/core/receipts/draft.js'
import { signVoucher, voucherDigest } from '../../../src/core/payments/vouchers.js'
import { jsonCli } from '../../helpers/cli.js'
import { forward, loopbackProxy, upstreamHeaders } from '../../helpers/proxy.js'
import { chat } from '../../../src/core/actions/client/chat.js'
import { ChannelBook } from '../../../src/core/payments/channelBook.js'
import { chainHome, type ChainHome } from '../../helpers/chainHome.js'

const loose = (value: unknown): any => value
const PRICES = { perRequest: 1_000n, perOutputToken: 100n }

describe('paid serving node (x402: channel vouchers and exact; real anvil, SQLite, llama.cpp)', () => {
  let chain: ChainHome
  let modelId: string
  let operatorCtx: ModeldaoContext
  let payerCtx: ModeldaoContext
  let node: ServingNode
  let url: string
  let channelId: Hex
  const payer = devAccount(2, 31337)
  const operator = devAccount(1, 31337)

  beforeAll(async () => {
    chain = await chainHome()
    const weights = join(chain.root, 'weights')
    await mkdir(weights)
    const cli = jsonCli(() => chain.root)
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '3', '--out', join(weights, 'model.gguf')])
    modelId = (await cli(['model', 'publish', weights, '--name', 'paid', '--dev-account', '0', '--yes'])).result.model.modelId
    operatorCtx = createModeldao({ home: chain.root, devAccount: 1 })
    payerCtx = createModeldao({ home: chain.root, devAccount: 2 })
    await mintTestTokens(payerCtx, { amount: '100' })
    node = new ServingNode(operatorCtx, { model: modelId, port: 0, contextSize: 256, maxTokens: 64, parallel: 2, payments: { prices: PRICES, exactMaxTokens: 16, settleEveryMs: 0, withdrawalCheckMs: 200 } })
    url = (await node.start()).url
    channelId = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
  })
  const tokenBalance = async () => BigInt((await getTokenBalance(payerCtx)).balance)
  afterAll(async () => {
    await node?.stop()
    await operatorCtx?.dispose()
    await payerCtx?.dispose()
    await chain?.stop()
  })

  it('answers an unpaid request with a 402 offering both schemes', async () => {
    const response = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 10 }) })
    expect(response.status).toBe(402)
    const required = decodePaymentRequiredHeader(response.headers.get('payment-required')!)
    expect(required.accepts.map((r) => r.scheme)).toEqual(['modeldao-channel', 'exact'])
    // Both offers cover this request's ceiling (issue 27: exact charged the node's 16-token limit whatever max_tokens said).
    expect(required.accepts[0]!.amount).toBe(String(1_000 + 100 * 10))
    expect(required.accepts[1]).toMatchObject({ amount: String(1_000 + 100 * 10), extra: { maxTokens: 10 } })
    // Above the node's exact limit, the exact offer is the price of that limit.
    const above = decodePaymentRequiredHeader((await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 40 }) })).headers.get('payment-required')!)
    expect(above.accepts[1]).toMatchObject({ amount: String(1_000 + 100 * 16), extra: { maxTokens: 16 } })
    expect((await response.json().then(loose)).error.code).toBe('payment_required')
  })

  it('the official openai client pays with channel vouchers through the paying fetch; cost, split and a signed receipt come back', async () => {
    const paying = createPayingFetch({ account: payer, channelFor: () => channelId })
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', fetch: paying })
    let total = 0n
    for (let i = 0; i < 3; i++) {
      const completion = loose(await openai.completions.create({ model: modelId, prompt: `Request ${i}`, max_tokens: 8, temperature: 0 }))
      expect(completion.usage.completion_tokens).toBe(8)
      const cost = BigInt(completion.usage.cost)
      expect(cost).toBe(PRICES.perRequest + PRICES.perOutputToken * 8n)
      expect(BigInt(completion.usage.cost_split.holders) + BigInt(completion.usage.cost_split.operator)).toBe(cost)
      // The receipt is signed by the operator over the draft, the voucher that paid it and the cost.
      const domain = { chainId: 31337, verifyingContract: node.info!.payments!.channels as Hex }
      const paidWith = voucherDigest(domain, { channelId, modelId: BigInt(modelId), cumulativeAmount: total + PRICES.perRequest + PRICES.perOutputToken * 8n, feeShareBps: 7000 })
      const draft = (await (await fetch(`${url}/v1/receipts/${completion.usage.receipt.id}`)).json()) as ReceiptDraft
      expect(await recoverReceiptSigner(domain, { ...receiptCommitment(draft), payment: paidWith, cost }, completion.usage.receipt.signature)).toBe(operator.address)
      total += cost
    }
    // The client never signed for more than what was consumed plus one request's ceiling.
    expect(paying.channelClient!.consumed.get(`${channelId}:${modelId}`)).toBe(total)

    // Settlement moves exactly the acknowledged costs; holders then claim exactly their share (70%).
    const settled = await node.settle()
    expect(settled!.claimed).toBe(total)
    expect(settled!.fees).toBe((total * 7000n) / 10_000n)
    const status = await getChannel(payerCtx, { channelId, modelId: BigInt(modelId) })
    expect(BigInt(status.settled!)).toBe(total)
    expect(BigInt(status.balance)).toBe(1_000_000n - total)
    // Settling again pays nothing more.
    expect((await node.settle())!.claimed).toBe(0n)
  })

  it('a stock x402 client (@x402/fetch + @x402/evm exact) pays per request with no modeldao code', async () => {
    const pay = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payer) }], spendControls: false })
    const response = await pay(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 40, temperature: 0 }) })
    expect(response.status).toBe(200)
    const body = loose(await response.json())
    // Fixed price, output capped at the stated ceiling.
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(16)
    expect(body.usage.cost).toBe(String(1_000 + 100 * 16))
    expect(BigInt(body.usage.cost_split.holders)).toBe((2_600n * 7000n) / 10_000n)
    expect(response.headers.get('payment-response')).toBeTruthy()
  })

  it('a stock x402 exact client pays for the max_tokens it asked for, not the node\'s exact limit', async () => {
    const pay = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payer) }], spendControls: false })
    const before = await tokenBalance()
    const response = await pay(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 8, temperature: 0 }) })
    expect(response.status).toBe(200)
    const body = loose(await response.json())
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(8)
    expect(body.usage.cost).toBe(String(1_000 + 100 * 8))
    expect(before - (await tokenBalance())).toBe(1_800n)
  })

  it('does no work before a request is paid: no tokenization for unpaid, unfunded or refused requests, and no chain read per unpaid request', async () => {
    const engine = loose(node).engine
    let tokenized = 0
    for (const method of ['tokenizeChat', 'tokenizePrompt'] as const) {
      const original = engine[method].bind(engine)
      engine[method] = (...args: unknown[]) => {
        tokenized++
        return original(...args)
      }
    }
    const huge = 'lorem ipsum '.repeat(75_000)
    // Unpaid, with a 900 KB prompt: a 402, and the prompt never tokenized (it took 0.4-1.1 s of CPU per request).
    const unpaid = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: huge, max_tokens: 4 }) })
    expect(unpaid.status).toBe(402)
    const unpaidChat = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: huge }] }) })
    expect(unpaidChat.status).toBe(402)
    expect(tokenized).toBe(0)
    // A signature costs nothing to make: an exact authorization from an account without the funds is refused first.
    const broke = devAccount(7, 31337)
    const payBroke = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(broke) }], spendControls: false })
    const unfunded = await payBroke(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: huge, max_tokens: 4 }) })
    expect(unfunded.status).toBe(402)
    expect(loose(await unfunded.json()).error.code).toBe('settlement_failed')
    expect(tokenized).toBe(0)
    // Paid, but the prompt does not fit the context: refused after tokenizing, and the exact payer is not charged.
    const pay = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payer) }], spendControls: false })
    const before = await tokenBalance()
    const tooLong = await pay(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'lorem ipsum '.repeat(400), max_tokens: 4 }) })
    expect(tooLong.status).toBe(400)
    expect(loose(await tooLong.json()).error.code).toBe('context_length_exceeded')
    expect(tokenized).toBe(1)
    expect(await tokenBalance()).toBe(before)
    // A channel payer with a prompt too long: refused, its reservation given back (the next request on the same
    // channel is served with the voucher it would have needed anyway).
    const paying = createPayingFetch({ account: payer, channelFor: () => channelId })
    expect((await paying(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'lorem ipsum '.repeat(400), max_tokens: 4 }) })).status).toBe(400)
    expect((await paying(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'fits', max_tokens: 4 }) })).status).toBe(200)

    // Chain reads: the clock offset of unpaid 402s and an unknown channel id are cached (one RPC call per request before).
    const connection = await operatorCtx.chain()
    const calls: string[] = []
    const request = connection.publicClient.request
    connection.publicClient.request = ((args: { method: string }, options?: unknown) => {
      calls.push(args.method)
      return request(args as never, options as never)
    }) as typeof request
    try {
      await Promise.all(Array.from({ length: 100 }, () => fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'x', max_tokens: 2 }) }).then((r) => r.arrayBuffer())))
      expect(calls.filter((m) => m === 'eth_getBlockByNumber').length).toBeLessThanOrEqual(3)
      const required = decodePaymentRequiredHeader((await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'x', max_tokens: 4 }) })).headers.get('payment-required')!)
      const unknown = `0x${'ab'.repeat(32)}` as Hex
      const voucher = { channelId: unknown, modelId: BigInt(modelId), cumulativeAmount: 10n ** 9n, feeShareBps: 7000 }
      const signature = await signVoucher(payer, { chainId: 31337, verifyingContract: node.info!.payments!.channels as Hex }, voucher)
      const header = encodePaymentSignatureHeader({ x402Version: 2, resource: required.resource, accepted: required.accepts[0]!, payload: { channelId: unknown, modelId, cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: 7000, signature } } as never)
      calls.length = 0
      const codes = await Promise.all(Array.from({ length: 50 }, async () => loose(await (await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'payment-signature': header }, body: JSON.stringify({ prompt: 'x', max_tokens: 4 }) })).json()).error.code))
      expect(new Set(codes)).toEqual(new Set(['unknown_channel']))
      expect(calls.filter((m) => m === 'eth_call').length).toBeLessThanOrEqual(2)
    } finally {
      connection.publicClient.request = request
    }
  })

  // Issue 27 (medium): the client accepted any consumed total up to what it had authorized; a node answering 3 tokens
  // (cost 1,300) claimed 4,200. Every bill is now checked against the quoted prices and the answer.
  describe('a node that bills beyond its prices or its answers (a hostile proxy in front of the real node)', () => {
    /** Relays to the node; `bend` may rewrite a paid answer's PAYMENT-RESPONSE settlement and its body. */
    const hostile = (bend: (paid: { cumulative: string; settle: ReturnType<typeof decodePaymentResponseHeader>; body: string }) => { settle?: ReturnType<typeof decodePaymentResponseHeader>; body?: string }) => {
      const seen = { paid: 0 }
      const started = loopbackProxy(async (req, body, res) => {
        const upstream = await forward(url, req, body)
        const text = await upstream.text()
        const headers = upstreamHeaders(upstream)
        const paid = req.headers['payment-signature']
        let out = text
        if (typeof paid === 'string') seen.paid++
        if (upstream.status === 200 && typeof paid === 'string' && headers['payment-response']) {
          const cumulative = String((decodePaymentSignatureHeader(paid).payload as { cumulativeAmount: string }).cumulativeAmount)
          const bent = bend({ cumulative, settle: decodePaymentResponseHeader(headers['payment-response']), body: text })
          if (bent.settle) headers['payment-response'] = encodePaymentResponseHeader(bent.settle)
          if (bent.body !== undefined) out = bent.body
        }
        res.writeHead(upstream.status, headers)
        res.end(out)
      })
      return { started, seen }
    }

    it('a consumed total that claims the whole voucher: the answer is kept, then NODE_OVERBILLED and no further voucher, with the evidence', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const { started, seen } = hostile(({ cumulative, settle }) => ({ settle: { ...settle, extra: { ...settle.extra, consumed: cumulative } } }))
      const proxy = await started
      try {
        const paying = createPayingFetch({ account: payer, channelFor: () => channel })
        // 230 prompt tokens in a 256-token context: the ceiling is the node's 64 tokens, at most 26 can be served.
        const first = await paying(`${proxy.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: Array.from({ length: 230 }, () => 5), temperature: 0 }) })
        expect(first.status).toBe(200)
        const cost = BigInt(loose(await first.json()).usage.cost)
        expect(cost).toBeLessThanOrEqual(1_000n + 100n * 26n)
        const key = `${channel}:${modelId}`
        expect(paying.channelClient!.disputes.get(key)).toMatch(/reports 7400 consumed .* cost \d+/)
        expect(paying.channelClient!.evidence[0]).toMatchObject({ channelId: channel, claimedConsumed: '7400', voucher: { cumulativeAmount: '7400' } })
        expect(paying.channelClient!.consumed.get(key)).toBe(cost)
        const paidBefore = seen.paid
        await expect(paying(`${proxy.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Again', max_tokens: 4 }) })).rejects.toMatchObject({ code: 'NODE_OVERBILLED' })
        expect(seen.paid).toBe(paidBefore)
      } finally {
        await proxy.close()
      }
    })

    it('a streamed answer whose cost is off its prices: NODE_OVERBILLED after the stream, the answer delivered', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const { started } = hostile(({ body }) => ({ body: body.replace(/"cost":"(\d+)"/, (_m, cost: string) => `"cost":"${BigInt(cost) + 700n}"`) }))
      const proxy = await started
      try {
        const paying = createPayingFetch({ account: payer, channelFor: () => channel })
        const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', fetch: paying, maxRetries: 0 })
        let text = ''
        for await (const chunk of await openai.chat.completions.create({ model: modelId, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6, stream: true })) text += chunk.choices[0]?.delta?.content ?? ''
        expect(text.length).toBeGreaterThan(0)
        expect(paying.channelClient!.disputes.get(`${channel}:${modelId}`)).toMatch(/costs \d+, but \d+ tokens at 1000 per request \+ 100 per token cost \d+/)
        // The openai client wraps what its fetch throws in a connection error.
        await expect(openai.chat.completions.create({ model: modelId, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6 })).rejects.toMatchObject({ cause: { code: 'NODE_OVERBILLED' } })
      } finally {
        await proxy.close()
      }
    })

    // Review of the bill checks (F1, high): the node 402s the paid attempt itself, claiming the voucher just sent as
    // consumed; the client took it as proof, booked the ceiling and paid the retry on top.
    it('a fabricated corrective 402 claiming the voucher it refuses: NODE_OVERCLAIMED, nothing booked', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const ask = (at: string) => chat(payerCtx, { url: at, messages: [{ role: 'user', content: 'Say hi' }], channelId: channel, maxTokens: 16, temperature: 0, idleTimeoutMs: 20_000 })
      const honest = await ask(url)
      const proxy = await loopbackProxy(async (req, body, res) => {
        const paid = req.headers['payment-signature']
        if (typeof paid === 'string') {
          const cumulative = String((decodePaymentSignatureHeader(paid).payload as { cumulativeAmount: string }).cumulativeAmount)
          const required = decodePaymentRequiredHeader((await fetch(`${url}${req.url}`, { method: 'POST', body })).headers.get('payment-required')!)
          required.accepts[0]!.extra = { ...required.accepts[0]!.extra, channelState: { channelId: channel, consumed: cumulative, cumulativeAmount: '0', signature: null } }
          res.writeHead(402, { 'content-type': 'application/json', 'payment-required': encodePaymentRequiredHeader({ ...required, error: 'stale_cumulative' }) })
          return void res.end('{}')
        }
        const upstream = await forward(url, req, body)
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', ...(upstream.headers.get('payment-required') ? { 'payment-required': upstream.headers.get('payment-required')! } : {}) })
        res.end(Buffer.from(await upstream.arrayBuffer()))
      })
      try {
        await expect(ask(proxy.url)).rejects.toMatchObject({ code: 'NODE_OVERCLAIMED' })
        expect(await new ChannelBook(payerCtx.home.client).spent(channel)).toEqual({ [modelId]: BigInt(honest.cost) })
      } finally {
        await proxy.close()
      }
    })

    // Review F3: while one chat of a home was generating, another's voucher was refused with the first one's
    // reservation counted as consumed, and the client accused the honest node.
    it('two chats of one home at once on the honest node: both paid, no dispute, and the ledger adds both up', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const ask = () => chat(createModeldao({ home: chain.root, devAccount: 2 }), { url, messages: [{ role: 'user', content: 'Tell me a long story' }], channelId: channel, maxTokens: 40, temperature: 0, idleTimeoutMs: 20_000 })
      let total = 0n
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all([ask(), ask()])
        for (const a of answers) total += BigInt(a.cost)
      }
      expect(await new ChannelBook(payerCtx.home.client).spent(channel)).toEqual({ [modelId]: total })
    })

    // Found by the routing-proxy test: a channel first paid by a client that keeps no ledger (the library), then by
    // chat: the first chat learned the other client's spend from the node, but its ledger did not, and the next chat
    // accused the honest node.
    it('a channel paid by a client without a ledger, then by two chats: the ledger takes the other spend in, no dispute', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const library = createPayingFetch({ account: payer, channelFor: () => channel })
      const first = loose(await (await library(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 6 }) })).json())
      const ask = () => chat(payerCtx, { url, messages: [{ role: 'user', content: 'Hello' }], channelId: channel, maxTokens: 8, idleTimeoutMs: 20_000 })
      const a = await ask()
      const b = await ask()
      expect(await new ChannelBook(payerCtx.home.client).spent(channel)).toEqual({ [modelId]: BigInt(first.usage.cost) + BigInt(a.cost) + BigInt(b.cost) })
    })

    // Review F2: an answer that arrived whole but without its bill was counted at the ceiling, with no dispute.
    it('a whole answer without its bill: a dispute (NODE_OVERBILLED next), not a silent ceiling', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const { started } = hostile(({ body }) => {
        const parsed = JSON.parse(body) as { usage?: unknown }
        delete parsed.usage
        return { body: JSON.stringify(parsed) }
      })
      const proxy = await started
      try {
        const paying = createPayingFetch({ account: payer, channelFor: () => channel })
        expect((await paying(`${proxy.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 4 }) })).status).toBe(200)
        expect(paying.channelClient!.disputes.get(`${channel}:${modelId}`)).toMatch(/states no cost/)
        await expect(paying(`${proxy.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 4 }) })).rejects.toMatchObject({ code: 'NODE_OVERBILLED' })
      } finally {
        await proxy.close()
      }
    })

    it('chat keeps what it accounted for in the home: the next chat signs from it, and a corrective 402 claiming the last voucher whole is refused', async () => {
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      let lastPaid: string | undefined
      let fake = false
      const seen: string[] = []
      const proxy = await loopbackProxy(async (req, body, res) => {
        const paid = req.headers['payment-signature']
        seen.push(typeof paid === 'string' ? String((decodePaymentSignatureHeader(paid).payload as { cumulativeAmount: string }).cumulativeAmount) : 'unpaid')
        const upstream = await forward(url, req, body)
        const text = await upstream.text()
        const headers = upstreamHeaders(upstream)
        if (fake && typeof paid === 'string' && lastPaid && upstream.status === 200) {
          // "Corrects" the client: the whole last voucher was consumed, and here is its signature to prove it was signed.
          const previous = decodePaymentSignatureHeader(lastPaid)
          const p = previous.payload as { cumulativeAmount: string; signature: Hex; feeShareBps: number }
          const required = decodePaymentRequiredHeader((await fetch(`${url}/v1/chat/completions`, { method: 'POST', body })).headers.get('payment-required')!)
          const channelOffer = required.accepts[0]!
          channelOffer.extra = { ...channelOffer.extra, channelState: { channelId: channel, consumed: p.cumulativeAmount, cumulativeAmount: p.cumulativeAmount, signature: p.signature, feeShareBps: p.feeShareBps } }
          res.writeHead(402, { 'content-type': 'application/json', 'payment-required': encodePaymentRequiredHeader({ ...required, error: 'stale_cumulative', accepts: [channelOffer] }) })
          return void res.end(JSON.stringify({ error: { message: 'stale', code: 'stale_cumulative' } }))
        }
        if (typeof paid === 'string' && upstream.status === 200) lastPaid = paid
        res.writeHead(upstream.status, headers)
        res.end(text)
      })
      try {
        // A prompt of 215-235 tokens in the 256-token context: the quote is for the node's 64 tokens, at most 41 fit,
        // so each answer costs less than the voucher's ceiling.
        const engine = loose(node).engine
        let words = 1
        const tokensOf = (n: number) => engine.tokenizeChat([{ role: 'user', content: 'lorem ipsum '.repeat(n) }]).tokens.length as number
        while (tokensOf(words + 1) <= 235) words++
        expect(tokensOf(words)).toBeGreaterThanOrEqual(215)
        const ask = () => chat(payerCtx, { url: proxy.url, messages: [{ role: 'user', content: 'lorem ipsum '.repeat(words) }], channelId: channel, temperature: 0, idleTimeoutMs: 20_000 })
        const first = await ask()
        expect(BigInt(first.cost)).toBeLessThan(7_400n)
        // The home's channel book keeps the checked cost, and the next chat's first voucher is that plus its ceiling.
        expect(await new ChannelBook(payerCtx.home.client).spent(channel)).toEqual({ [modelId]: BigInt(first.cost) })
        seen.length = 0
        await ask()
        // One paid attempt, no corrective 402 round trip.
        expect(seen.filter((v) => v !== 'unpaid')).toEqual([String(BigInt(first.cost) + 7_400n)])
        fake = true
        await expect(ask()).rejects.toMatchObject({ code: 'NODE_OVERCLAIMED' })
      } finally {
        await proxy.close()
      }
    })
  })

  // Review F8: an exact transfer was settled before the request had a sequence: a full queue answered 429 to a payer
  // already charged.
  it('an exact payer refused for a full queue is not charged (the transfer is settled only once the request has a sequence)', async () => {
    const busy = new ServingNode(operatorCtx, { model: modelId, port: 0, contextSize: 512, maxTokens: 400, parallel: 1, queue: 1, payments: { prices: PRICES, exactMaxTokens: 16, settleEveryMs: 0 } })
    try {
      const busyUrl = (await busy.start()).url
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 1_000_000n })).channelId
      const paying = createPayingFetch({ account: payer, channelFor: () => channel })
      const long = () => paying(`${busyUrl}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: 400, temperature: 0 }) })
      const first = long()
      await expect.poll(async () => (await (await fetch(`${busyUrl}/health`)).json()) as { active: number }, { timeout: 10_000, interval: 20 }).toMatchObject({ active: 1 })
      const queued = long()
      await expect.poll(async () => (await (await fetch(`${busyUrl}/health`)).json()) as { queued: number }, { timeout: 10_000, interval: 20 }).toMatchObject({ active: 1, queued: 1 })
      const before = await tokenBalance()
      const pay = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payer) }], spendControls: false })
      const refused = await pay(`${busyUrl}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 4 }) })
      expect(refused.status).toBe(429)
      expect(await tokenBalance()).toBe(before)
      expect((await first).status).toBe(200)
      expect((await queued).status).toBe(200)
    } finally {
      await busy.stop()
    }
  })

  it('refuses every bad voucher with a 402 naming the reason, and keeps serving', async () => {
    const required = decodePaymentRequiredHeader((await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'x', max_tokens: 4 }) })).headers.get('payment-required')!)
    const channel = required.accepts[0]!
    const ceiling = BigInt(channel.amount)
    const held = await getChannel(payerCtx, { channelId, modelId: BigInt(modelId) })
    const consumed = BigInt(held.settled!)
    const domain = { chainId: 31337, verifyingContract: node.info!.payments!.channels as Hex }
    const voucher = { channelId, modelId: BigInt(modelId), cumulativeAmount: consumed + ceiling, feeShareBps: 7000 }
    const attempt = async (changes: { voucher?: Partial<typeof voucher>; signer?: typeof payer; domain?: Partial<typeof domain>; header?: string }) => {
      const v = { ...voucher, ...changes.voucher }
      const signature = await signVoucher(changes.signer ?? payer, { ...domain, ...changes.domain }, v)
      const payload = { x402Version: 2, resource: required.resource, accepted: channel, payload: { channelId: v.channelId, modelId: v.modelId.toString(), cumulativeAmount: v.cumulativeAmount.toString(), feeShareBps: v.feeShareBps, signature } }
      const response = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'payment-signature': changes.header ?? encodePaymentSignatureHeader(payload as never) }, body: JSON.stringify({ prompt: 'x', max_tokens: 4 }) })
      return { status: response.status, code: loose(await response.json()).error?.code as string | undefined }
    }
    expect(await attempt({ signer: devAccount(5, 31337) })).toEqual({ status: 402, code: 'invalid_signature' })
    expect(await attempt({ domain: { chainId: 1 } })).toEqual({ status: 402, code: 'invalid_signature' })
    expect(await attempt({ domain: { verifyingContract: '0x00000000000000000000000000000000000000aa' } })).toEqual({ status: 402, code: 'invalid_signature' })
    expect(await attempt({ voucher: { channelId: `0x${'12'.repeat(32)}` } })).toEqual({ status: 402, code: 'unknown_channel' })
    expect(await attempt({ voucher: { modelId: 999n } })).toEqual({ status: 402, code: 'wrong_model' })
    expect(await attempt({ voucher: { cumulativeAmount: consumed + ceiling - 1n } })).toEqual({ status: 402, code: 'stale_cumulative' })
    expect(await attempt({ voucher: { cumulativeAmount: consumed + 10n ** 12n } })).toMatchObject({ status: 200 })
    expect(await attempt({ voucher: { feeShareBps: 100 } })).toEqual({ status: 402, code: 'wrong_fee_share' })
    expect(await attempt({ header: 'not base64!' })).toEqual({ status: 402, code: 'invalid_payment_header' })
    // Issue 27 (low): five malformed headers got a 500. Each is a 402 naming the reason now.
    const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64')
    const exactOffer = required.accepts[1]!
    const exactWith = (authorization: Record<string, string>) =>
      encoded({ x402Version: 2, resource: required.resource, accepted: exactOffer, payload: { authorization: { from: payer.address, to: exactOffer.payTo, value: exactOffer.amount, validAfter: '0', validBefore: '99999999999', nonce: `0x${'11'.repeat(32)}`, ...authorization }, signature: `0x${'22'.repeat(65)}` } })
    expect(await attempt({ header: encoded(null) })).toEqual({ status: 402, code: 'invalid_payment_header' })
    expect(await attempt({ header: encoded({ x402Version: 2, resource: required.resource, accepted: { ...channel, asset: undefined }, payload: {} }) })).toEqual({ status: 402, code: 'requirements_mismatch' })
    expect(await attempt({ header: encoded({ x402Version: 2, resource: required.resource, accepted: { ...channel, asset: 'tUSD' }, payload: {} }) })).toEqual({ status: 402, code: 'requirements_mismatch' })
    expect(await attempt({ header: exactWith({ value: 'abc' }) })).toEqual({ status: 402, code: 'invalid_payment_header' })
    expect(await attempt({ header: exactWith({ to: 'the operator' }) })).toEqual({ status: 402, code: 'invalid_payment_header' })
    // Issue 30: seven refusal reasons appeared in no test.
    expect(await attempt({ header: encoded({ x402Version: 2, resource: required.resource, accepted: { ...channel, scheme: 'upto' }, payload: {} }) })).toEqual({ status: 402, code: 'unsupported_scheme' })
    expect(await attempt({ header: exactWith({ to: payer.address }) })).toEqual({ status: 402, code: 'wrong_recipient' })
    expect(await attempt({ header: exactWith({ value: String(BigInt(exactOffer.amount) + 1n) }) })).toEqual({ status: 402, code: 'wrong_amount' })
    // Expired: signed (the signature is checked before the chain's clock is read), but valid only until 1970.
    const expired = { from: payer.address, to: exactOffer.payTo as Hex, value: BigInt(exactOffer.amount), validAfter: 0n, validBefore: 1000n, nonce: `0x${'33'.repeat(32)}` as Hex }
    const expiredSignature = await payer.signTypedData({ domain: { name: (exactOffer.extra as { name: string }).name, version: (exactOffer.extra as { version: string }).version, chainId: 31337, verifyingContract: exactOffer.asset as Hex }, types: authorizationTypes, primaryType: 'TransferWithAuthorization', message: expired })
    const expiredHeader = encoded({ x402Version: 2, resource: required.resource, accepted: exactOffer, payload: { authorization: { ...expired, value: expired.value.toString(), validAfter: '0', validBefore: '1000' }, signature: expiredSignature } })
    expect(await attempt({ header: expiredHeader })).toEqual({ status: 402, code: 'authorization_expired' })
    // A channel to another operator.
    const other = (await openChannel(payerCtx, { operator: devAccount(6, 31337).address, amount: 10_000n })).channelId
    expect(await attempt({ voucher: { channelId: other } })).toEqual({ status: 402, code: 'wrong_operator' })
    // More than the channel holds.
    const small = (await openChannel(payerCtx, { operator: operator.address, amount: 100n })).channelId
    expect(await attempt({ voucher: { channelId: small, cumulativeAmount: ceiling } })).toEqual({ status: 402, code: 'insufficient_channel_balance' })
    // A replayed exact authorization.
    let captured: string | undefined
    const capture: typeof fetch = async (input, init) => {
      const request = new Request(input, init)
      captured = request.headers.get('payment-signature') ?? captured
      return fetch(request)
    }
    const pay = wrapFetchWithPaymentFromConfig(capture, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payer) }], spendControls: false })
    expect((await pay(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'x', max_tokens: 4 }) })).status).toBe(200)
    expect(await attempt({ header: captured! })).toEqual({ status: 402, code: 'replayed_authorization' })
    // A channel whose withdrawal thaws within the node's margin (10 minutes, in chain time) takes no new voucher.
    const closing = (await openChannel(payerCtx, { operator: operator.address, amount: 100_000n, withdrawalDelay: 15 * 60 })).channelId
    await withdrawChannel(payerCtx, { channelId: closing })
    await advanceTime(payerCtx, { seconds: 6 * 60 })
    await expect.poll(async () => (await attempt({ voucher: { channelId: closing, cumulativeAmount: ceiling } })).code, { timeout: 5_000, interval: 200 }).toBe('channel_closing')
    // Still serving.
    const paying = createPayingFetch({ account: payer, channelFor: () => channelId })
    expect((await paying(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'ok', max_tokens: 2 }) })).status).toBe(200)
  })

  it('a client that lost its state recovers from the corrective 402 (the node tells it the channel state)', async () => {
    // A fresh paying fetch knows nothing of what was consumed: its first voucher is stale, the node corrects it.
    const fresh = createPayingFetch({ account: payer, channelFor: () => channelId })
    const response = await fresh(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'again', max_tokens: 3 }) })
    expect(response.status).toBe(200)
    expect(fresh.channelClient!.consumed.get(`${channelId}:${modelId}`)).toBeGreaterThan(0n)
  })

  // Found by the demo: after time travel the contract's clock ran hours ahead of the client's, and every stock x402
  // authorization (signed from the wall clock) had expired on chain before it was sent.
  it('a stock x402 client still pays when the chain clock runs ahead of the wall clock (a dev chain moved forward)', async () => {
    await advanceTime(payerCtx, { seconds: 2 * 3600 })
    // Unpaid 402s read the chain's clock at most once a second (issue 27: one RPC call each): the offer catches up
    // within that bound.
    const offeredTimeout = async () => decodePaymentRequiredHeader((await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'later', max_tokens: 4 }) })).headers.get('payment-required')!).accepts[1]!.maxTimeoutSeconds
    await expect.poll(offeredTimeout, { timeout: 5_000, interval: 200 }).toBeGreaterThan(2 * 3600)
    const pay = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payer) }], spendControls: false })
    const response = await pay(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'later', max_tokens: 4 }) })
    expect(response.status, await response.clone().text()).toBe(200)
    expect(response.headers.get('payment-response')).toBeTruthy()
  })

  // Found by a newcomer: the node noticed a withdrawal only on the payer's next request, and a payer who leaves sends none.
  it('settles what a channel owes as soon as its payer asks to withdraw, with no further request', async () => {
    const leaving = (await openChannel(payerCtx, { operator: operator.address, amount: 500_000n })).channelId
    const paying = createPayingFetch({ account: payer, channelFor: () => leaving })
    expect((await paying(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'bye', max_tokens: 3 }) })).status).toBe(200)
    const channels = await operatorCtx.contract('PaymentChannels')
    const read = (await operatorCtx.chain()).publicClient
    const settled = () => read.readContract({ address: channels.address, abi: channels.abi, functionName: 'settled', args: [leaving, BigInt(modelId)] })
    expect(await settled()).toBe(0n)
    await withdrawChannel(payerCtx, { channelId: leaving })
    await expect.poll(settled, { timeout: 15_000, interval: 100, message: 'the node did not settle the channel after its payer asked to withdraw' }).toBeGreaterThanOrEqual(PRICES.perRequest)
  })

  // Found with the test above: `onSettled?.(await this.settle())` skipped the settlement when no callback was given,
  // so a library node with no onSettled never settled on its timer.
  it('settles on its timer with no onSettled callback', async () => {
    const timed = new ServingNode(operatorCtx, { model: modelId, port: 0, contextSize: 256, maxTokens: 16, payments: { prices: PRICES, settleEveryMs: 300 } })
    try {
      const timedUrl = (await timed.start()).url
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 200_000n })).channelId
      const paying = createPayingFetch({ account: payer, channelFor: () => channel })
      expect((await paying(`${timedUrl}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'tick', max_tokens: 2 }) })).status).toBe(200)
      const channels = await operatorCtx.contract('PaymentChannels')
      const read = (await operatorCtx.chain()).publicClient
      const settled = () => read.readContract({ address: channels.address, abi: channels.abi, functionName: 'settled', args: [channel, BigInt(modelId)] })
      await expect.poll(settled, { timeout: 15_000, interval: 100, message: 'the node did not settle on its timer' }).toBeGreaterThan(0n)
    } finally {
      await timed.stop()
    }
  })

  // Issue 27 (high): a client that hung up before the final usage chunk paid nothing, and one voucher bought stream
  // after stream. It now pays for the tokens it was sent, and the node keeps the receipt of exactly those.
  it('a streaming client that hangs up pays for what it was sent, and the node keeps that receipt', async () => {
    const long = new ServingNode(operatorCtx, { model: modelId, port: 0, contextSize: 2048, maxTokens: 1500, payments: { prices: PRICES, settleEveryMs: 0 } })
    try {
      const longUrl = (await long.start()).url
      const channel = (await openChannel(payerCtx, { operator: operator.address, amount: 500_000n })).channelId
      const paying = createPayingFetch({ account: payer, channelFor: () => channel })
      const abort = new AbortController()
      const response = await paying(`${longUrl}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'endless', max_tokens: 1500, temperature: 0, stream: true }), signal: abort.signal })
      expect(response.status).toBe(200)
      const receiptId = response.headers.get('x-modeldao-receipt')!
      await response.body!.getReader().read()
      abort.abort()
      const channels = await operatorCtx.contract('PaymentChannels')
      const read = (await operatorCtx.chain()).publicClient
      const settled = () => read.readContract({ address: channels.address, abi: channels.abi, functionName: 'settled', args: [channel, BigInt(modelId)] })
      // The hung-up stream is billed (settled on chain), not released.
      await expect.poll(async () => (await long.settle(), await settled()), { timeout: 15_000, interval: 100 }).toBeGreaterThan(0n)
      const draft = (await (await fetch(`${longUrl}/v1/receipts/${receiptId}`)).json()) as ReceiptDraft
      expect(draft.finishReason).toBe('cancelled')
      expect(draft.outputTokens.length).toBeGreaterThan(0)
      expect(draft.outputTokens.length).toBeLessThan(1500)
      expect(await settled()).toBe(PRICES.perRequest + PRICES.perOutputToken * BigInt(draft.outputTokens.length))
      // The same client goes on paying on that channel (it learns what was billed from the node's corrective 402).
      expect((await paying(`${longUrl}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'next', max_tokens: 3 }) })).status).toBe(200)
    } finally {
      await long.stop()
    }
  })

  // Issue 27 (medium): right after a top-up, 5 parallel requests on one voucher were all served (25,200 consumed
  // against a best voucher of 8,400): the gate read the reservation, awaited the channel's fresh balance, and wrote
  // the stale reservation back.
  it('serves one request per voucher even when parallel requests arrive right after a top-up', async () => {
    const required = decodePaymentRequiredHeader((await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'x', max_tokens: 4 }) })).headers.get('payment-required')!)
    const offer = required.accepts[0]!
    const ceiling = BigInt(offer.amount)
    const raced = (await openChannel(payerCtx, { operator: operator.address, amount: ceiling })).channelId
    const paying = createPayingFetch({ account: payer, channelFor: () => raced })
    expect((await paying(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'first', max_tokens: 4 }) })).status).toBe(200)
    const consumed = paying.channelClient!.consumed.get(`${raced}:${modelId}`)!
    // The node has this channel's balance cached (one ceiling); the payer tops it up and sends one voucher five times.
    await depositChannel(payerCtx, { channelId: raced, amount: 100_000n })
    const domain = { chainId: 31337, verifyingContract: node.info!.payments!.channels as Hex }
    const voucher = { channelId: raced, modelId: BigInt(modelId), cumulativeAmount: consumed + ceiling, feeShareBps: 7000 }
    const signature = await signVoucher(payer, domain, voucher)
    const header = encodePaymentSignatureHeader({ x402Version: 2, resource: required.resource, accepted: offer, payload: { channelId: raced, modelId: modelId, cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: 7000, signature } } as never)
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const response = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'payment-signature': header }, body: JSON.stringify({ prompt: 'race', max_tokens: 4 }) })
        return response.status === 200 ? 200 : `${response.status} ${loose(await response.json()).error?.code}`
      }),
    )
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s !== 200)).toEqual(Array(4).fill('402 stale_cumulative'))
  })
})
