// `chat` against a hostile node: a small HTTP server on loopback that speaks x402 like a modeldao node but asks for
// payments it has no right to (another chain, another token, another payee, a Permit2 transfer, an authorization for
// years; a consumed total the client never signed for). The client must refuse each before signing anything that
// would pay it, on a real anvil with the real deployment.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { encodePaymentRequiredHeader, decodePaymentSignatureHeader } from '@x402/core/http'
import type { PaymentRequirements } from '@x402/core/types'
import { parseUnits, type Address, type LocalAccount } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat } from '../../../src/core/actions/client/chat.js'
import { openChannel } from '../../../src/core/actions/channel/openChannel.js'
import { mintTestTokens } from '../../../src/core/actions/token/mintTestTokens.js'
import { devAccount } from '../../../src/core/chain/local/devAccounts.js'
import { createModeldao, type ModeldaoContext } from '../../../src/core/context/context.js'
import { createPayingFetch } from '../../../src/core/payments/payingFetch.js'
import { CHANNEL_SCHEME, EXACT_SCHEME } from '../../../src/core/payments/scheme.js'
import { chainHome, type ChainHome } from '../../helpers/chainHome.js'

type Offer = (honest: { channel: PaymentRequirements; exact: PaymentRequirements }) => PaymentRequirements[]

/** A node that answers every unpaid request with `offer`'s terms and records every payment header it is sent. */
async function hostileNode(offer: Offer, addresses: { channels: Address; token: Address; receiver: Address; operator: Address; chainId: number }) {
  const payments: Record<string, unknown>[] = []
  const honest = {
    channel: { scheme: CHANNEL_SCHEME, network: `eip155:${addresses.chainId}`, asset: addresses.token, amount: '5000', payTo: addresses.operator, maxTimeoutSeconds: 300, extra: { channels: addresses.channels, modelId: '1', feeShareBps: 3000, perRequest: '1000', perOutputToken: '100', maxTokens: 40 } },
    exact: { scheme: EXACT_SCHEME, network: `eip155:${addresses.chainId}`, asset: addresses.token, amount: '5000', payTo: addresses.receiver, maxTimeoutSeconds: 120, extra: { name: 'Test USD', version: '1', maxTokens: 40, modelId: '1' } },
  } as { channel: PaymentRequirements; exact: PaymentRequirements }
  const server: Server = createServer((req, res) => {
    if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: '1' }] }))
    const header = req.headers['payment-signature']
    if (typeof header === 'string') payments.push(decodePaymentSignatureHeader(header) as unknown as Record<string, unknown>)
    const required = { x402Version: 2, error: 'payment_required', resource: { url: req.url ?? '/', description: 'hostile', mimeType: 'application/json' }, accepts: offer(honest) }
    res.writeHead(402, { 'content-type': 'application/json', 'payment-required': encodePaymentRequiredHeader(required as never) })
    res.end(JSON.stringify({ error: { message: 'pay me', code: 'payment_required' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, payments, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe('chat refuses a hostile node before signing', () => {
  let chain: ChainHome
  let client: ModeldaoContext
  let addresses: Parameters<typeof hostileNode>[1]
  let receiverOfOtherModel: Address
  const operator = devAccount(1, 31337).address

  beforeAll(async () => {
    chain = await chainHome()
    client = createModeldao({ home: chain.root, devAccount: 2 })
    const [deployments, channels, exactPayments, connection] = await Promise.all([client.deployments(), client.contract('PaymentChannels'), client.contract('ExactPayments'), client.chain()])
    const receiverFor = (modelId: bigint) => connection.publicClient.readContract({ address: exactPayments.address, abi: exactPayments.abi, functionName: 'receiverOf', args: [operator, modelId] })
    const [receiver, forOtherModel] = await Promise.all([receiverFor(1n), receiverFor(2n)])
    addresses = { channels: channels.address, token: deployments.paymentToken, receiver, operator, chainId: connection.chainId }
    receiverOfOtherModel = forOtherModel
    await mintTestTokens(client, { amount: '10' })
  })
  afterAll(async () => {
    await client?.dispose()
    await chain?.stop()
  })

  const ask = (url: string, extra: Partial<Parameters<typeof chat>[1]> = {}) => chat(client, { url, messages: [{ role: 'user', content: 'hi' }], idleTimeoutMs: 10_000, ...extra })

  it.each([
    ['another chain', (o: { exact: PaymentRequirements }) => ({ ...o.exact, network: 'eip155:8453' }), 'its exact offer is on eip155:8453'],
    ['another token', (o: { exact: PaymentRequirements }) => ({ ...o.exact, asset: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' }), 'its exact offer asks for token 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913'],
    ['another payee', (o: { exact: PaymentRequirements }) => ({ ...o.exact, payTo: devAccount(7, 31337).address }), `its exact offer pays ${devAccount(7, 31337).address}`],
    ['a Permit2 transfer', (o: { exact: PaymentRequirements }) => ({ ...o.exact, extra: { ...o.exact.extra, assetTransferMethod: 'permit2' } }), 'asks for a permit2 transfer'],
    ['an authorization valid for years', (o: { exact: PaymentRequirements }) => ({ ...o.exact, maxTimeoutSeconds: 100_000_000 }), 'valid 100000000 s'],
  ])('an exact offer on %s: PAYMENT_TERMS_UNUSABLE, nothing signed', async (_name, bend, message) => {
    const node = await hostileNode((o) => [o.channel, bend(o) as PaymentRequirements], addresses)
    try {
      await expect(ask(node.url, { pay: 'exact' })).rejects.toMatchObject({ code: 'PAYMENT_TERMS_UNUSABLE', shortMessage: expect.stringContaining(message) })
      expect(node.payments).toEqual([])
    } finally {
      await node.close()
    }
  })

  // The finding "exact income booked under another model": the authorization names no model, so the payee must be
  // the operator's receiver for the model asked for. A node whose exact offer pays the same operator's receiver for
  // another model (say a zero-fee model of its own) would route model 1's income past model 1's holders.
  it("an exact offer paying the operator's receiver for another model: PAYMENT_TERMS_UNUSABLE, nothing signed", async () => {
    const node = await hostileNode((o) => [o.channel, { ...o.exact, payTo: receiverOfOtherModel }], addresses)
    try {
      await expect(ask(node.url, { pay: 'exact', model: '1' })).rejects.toMatchObject({ code: 'PAYMENT_TERMS_UNUSABLE', shortMessage: expect.stringContaining(`its exact offer pays ${receiverOfOtherModel}, not the ExactReceiver ${addresses.receiver} of its operator ${addresses.operator} for model 1`) })
      expect(node.payments).toEqual([])
    } finally {
      await node.close()
    }
  })

  it('an exact offer for another model than the one asked for: PAYMENT_TERMS_UNUSABLE, nothing signed', async () => {
    const node = await hostileNode((o) => [{ ...o.channel, extra: { ...o.channel.extra, modelId: '2' } }, { ...o.exact, payTo: receiverOfOtherModel, extra: { ...o.exact.extra, modelId: '2' } }], addresses)
    try {
      await expect(ask(node.url, { pay: 'exact', model: '1' })).rejects.toMatchObject({ code: 'PAYMENT_TERMS_UNUSABLE', shortMessage: expect.stringContaining("its exact payment would pay model 2's holders, but model 1 was asked for") })
      expect(node.payments).toEqual([])
    } finally {
      await node.close()
    }
  })

  it('a price above --max-cost, with --pay channel: COST_ABOVE_LIMIT, and no quiet fallback to the cheaper exact offer', async () => {
    const node = await hostileNode((o) => [{ ...o.channel, amount: '900000' }, o.exact], addresses)
    try {
      await expect(ask(node.url, { pay: 'channel', maxCost: 100_000n })).rejects.toMatchObject({ code: 'COST_ABOVE_LIMIT', shortMessage: 'The node asks up to 0.9 tUSD for this request, above --max-cost 0.1 tUSD.' })
      expect(node.payments).toEqual([])
    } finally {
      await node.close()
    }
  })

  it('a consumed total the client never signed for: NODE_OVERCLAIMED, and no voucher above this request\'s ceiling', async () => {
    const opened = await openChannel(client, { operator, amount: parseUnits('2', 6) })
    // Whatever is paid, the node "corrects" the client: it says the whole channel was consumed, with no voucher to show.
    const node = await hostileNode((o) => [{ ...o.channel, extra: { ...o.channel.extra, channelState: { channelId: opened.channelId, consumed: '2000000', cumulativeAmount: '2000000', signature: null } } }], addresses)
    try {
      await expect(ask(node.url, { pay: 'channel' })).rejects.toMatchObject({ code: 'NODE_OVERCLAIMED' })
      // One voucher was sent (for the ceiling, before the claim); none for the claimed total.
      const amounts = node.payments.map((p) => BigInt(((p as { payload: { cumulativeAmount: string } }).payload).cumulativeAmount))
      expect(amounts).toEqual([5000n])
    } finally {
      await node.close()
    }
  })

  it('the library paying fetch with a channel never falls back to signing exact when a node offers only exact', async () => {
    const node = await hostileNode((o) => [{ ...o.exact, payTo: devAccount(7, 31337).address }], addresses)
    try {
      const paying = createPayingFetch({ account: (await client.signer()) as LocalAccount, channelFor: () => `0x${'11'.repeat(32)}` })
      await expect(paying(`${node.url}/v1/chat/completions`, { method: 'POST', body: '{}' })).rejects.toThrow(/filtered out by policies/)
      expect(node.payments).toEqual([])
    } finally {
      await node.close()
    }
  })

  // Issue 27 (low): a node killed mid-stream surfaced in `chat` as "Unexpected error: terminated".
  it('a node that dies mid-stream: NODE_STREAM_CUT naming the node and the receipt it keeps', async () => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: '1' }] }))
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-modeldao-receipt': 'a'.repeat(24) })
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] })}\n\n`)
      setTimeout(() => res.socket?.destroy(), 50) // the process dies: no final chunk, no [DONE]
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const error = await ask(url).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'NODE_STREAM_CUT' })
      expect(String((error as Error).message)).toContain(url)
      expect(String((error as Error).message)).toContain(`${url}/v1/receipts/${'a'.repeat(24)}`)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  // Issue 30 (review): the stream's error chunk was a bare Error, which chat then reported as a cut connection.
  it('a node that ends the stream with an error chunk: NODE_REQUEST_FAILED with its message, not a cut connection', async () => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: '1' }] }))
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] })}\n\n`)
      res.end(`data: ${JSON.stringify({ error: { message: 'the engine failed' } })}\n\ndata: [DONE]\n\n`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await expect(ask(url)).rejects.toMatchObject({ code: 'NODE_REQUEST_FAILED', shortMessage: 'The node ended the stream with an error: the engine failed' })
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
