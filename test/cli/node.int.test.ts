import { existsSync } from 'node:fs'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../../src/core/chain/local/ports.js'
import { devModelLayout } from '../../src/core/models/devModel.js'
import { encodeGguf } from '../../src/core/models/ggufWriter.js'
import { chainHome, homeOnChain, type ChainHome } from '../helpers/chainHome.js'
import { jsonCli, runCli, startCli } from '../helpers/cli.js'
import { publishTinyModel } from '../helpers/models.js'
import { createModeldao } from '../../src/core/context/context.js'
import { devAccount } from '../../src/core/chain/local/devAccounts.js'
import { mintTestTokens } from '../../src/core/actions/token/mintTestTokens.js'
import { openChannel } from '../../src/core/actions/channel/openChannel.js'
import { getChannel } from '../../src/core/actions/channel/getChannel.js'
import { withdrawChannel } from '../../src/core/actions/channel/withdrawChannel.js'
import { createPayingFetch } from '../../src/core/payments/payingFetch.js'

/** Greedy completions of a few prompts from a running node. */
async function greedy(url: string, model: string): Promise<string[]> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused' })
  const prompts = ['Alpha', 'The weights are', 'zzz 123']
  return Promise.all(prompts.map(async (prompt) => (await client.completions.create({ model, prompt, max_tokens: 32, temperature: 0 })).choices[0]!.text))
}

describe('node serve (CLI, chain, IPFS, llama.cpp)', () => {
  let chain: ChainHome
  let weights: string
  let modelId: string
  const cli = jsonCli(() => chain.root)

  beforeAll(async () => {
    chain = await chainHome()
    ;({ weights, modelId } = await publishTinyModel(cli, chain.root, { seed: 9, name: 'tiny-served' }))
  })
  afterAll(async () => chain?.stop())

  it('serves a tokenized model by id after verifying its weights; greedy output is the same across processes, thread counts and --parallel', async () => {
    const a = await startCli(['node', 'serve', '--model', modelId, '--port', '0', '--json'], { home: chain.root })
    const b = await startCli(['node', 'serve', '--model', modelId, '--port', '0', '--threads', '2', '--parallel', '4', '--json'], { home: chain.root })
    try {
      expect(a.ready).toMatchObject({ ready: true, model: modelId, weights: { verified: true, modelId, file: 'model.gguf' }, engine: { parallel: 1, threads: 1 } })
      expect(b.ready.weights.weightsCid).toBe(a.ready.weights.weightsCid)
      const [fromA, fromB] = await Promise.all([greedy(a.ready.url, modelId), greedy(b.ready.url, modelId)])
      expect(fromB).toEqual(fromA)
      expect(fromA.every((text) => text.length > 0)).toBe(true)
    } finally {
      expect(await a.stop()).toBe(0)
      expect(await b.stop()).toBe(0)
    }
  })

  it('--price-per-request and --register: a paid node listed in NodeRegistry; unpaid requests get a 402; a second start updates the listing', async () => {
    await cli(['token', 'faucet', '--amount', '10', '--dev-account', '1'])
    const args = ['node', 'serve', '--model', modelId, '--weights', weights, '--port', '0', '--price-per-request', '0.001', '--price-per-token', '0.0001', '--register', '--dev-account', '1', '--json']
    const node = await startCli(args, { home: chain.root })
    try {
      expect(node.ready.payments.prices).toEqual({ perRequest: '1000', perOutputToken: '100' })
      expect(node.ready.registered).toMatchObject({ url: node.ready.url, stake: '1000000', updated: false })
      const unpaid = await fetch(`${node.ready.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 4 }) })
      expect(unpaid.status).toBe(402)
      expect(unpaid.headers.get('payment-required')).toBeTruthy()
    } finally {
      expect(await node.stop()).toBe(0)
    }
    const listed = await cli(['node', 'list', '--model', modelId])
    expect(listed.result.nodes).toEqual([expect.objectContaining({ endpoint: node.ready.url })])
    expect(listed.result.nodes[0].health).toBeUndefined()
    // A registration outlives its node: --check asks the endpoint (found by a newcomer).
    expect((await cli(['node', 'list', '--model', modelId, '--check'])).result.nodes).toEqual([expect.objectContaining({ endpoint: node.ready.url, health: 'down' })])
    // Started again (another port): the listing follows, the stake stays.
    const again = await startCli(args, { home: chain.root })
    try {
      expect(again.ready.registered).toMatchObject({ url: again.ready.url, stake: '1000000', updated: true })
      expect((await cli(['node', 'list', '--model', modelId, '--check'])).result.nodes).toEqual([expect.objectContaining({ endpoint: again.ready.url, health: 'up' })])
    } finally {
      expect(await again.stop()).toBe(0)
    }
    // Bad prices are refused before anything starts.
    const refused = await cli(['node', 'serve', '--model', modelId, '--price-per-request', 'free', '--dev-account', '1'], 2)
    expect(refused.error.message).toContain('--price-per-request')
    // A paid node on the CPU decodes on one thread: several decode in another order and its receipts would not replay.
    const threaded = await cli(['node', 'serve', '--model', modelId, '--price-per-request', '0.001', '--threads', '2', '--dev-account', '1'], 2)
    expect(threaded.error).toMatchObject({ code: 'NODE_OPTIONS_INVALID', message: expect.stringContaining('--threads 2') })
    expect(threaded.error.hints.join(' ')).toContain('--parallel')
  })

  // Issue 27 (low): a withdrawal asked while the node was down was never settled (the watcher started at the restart
  // block and nothing settled at start-up; the 10-minute timer can miss a 15-minute thaw).
  it('a node killed with costs unsettled settles them at its restart, inside the thaw of a withdrawal asked while it was down', async () => {
    const payerCtx = createModeldao({ home: chain.root, devAccount: 2 })
    try {
      await mintTestTokens(payerCtx, { amount: '10' })
      const args = ['node', 'serve', '--model', modelId, '--weights', weights, '--port', '0', '--price-per-request', '0.001', '--price-per-token', '0.0001', '--dev-account', '1', '--json']
      const node = await startCli(args, { home: chain.root })
      const { channelId } = await openChannel(payerCtx, { operator: node.ready.payments.operator, amount: 1_000_000n })
      const paying = createPayingFetch({ account: devAccount(2, 31337), channelFor: () => channelId })
      let told = 0n
      for (const prompt of ['one', 'two']) {
        const response = await paying(`${node.ready.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: modelId, prompt, max_tokens: 4 }) })
        told += BigInt(((await response.json()) as { usage: { cost: string } }).usage.cost)
      }
      await node.kill()
      await withdrawChannel(payerCtx, { channelId })
      const again = await startCli(args, { home: chain.root })
      try {
        const settled = async () => BigInt((await getChannel(payerCtx, { channelId, modelId: BigInt(modelId) })).settled ?? '0')
        await expect.poll(settled, { timeout: 15_000, interval: 250 }).toBe(told)
      } finally {
        expect(await again.stop()).toBe(0)
      }
    } finally {
      await payerCtx.dispose()
    }
  })

  it('refuses tampered weights, naming the file and both hashes', async () => {
    const tampered = join(chain.root, 'tampered.gguf')
    const bytes = await readFile(join(weights, 'model.gguf'))
    bytes[bytes.length - 5]! ^= 0xff
    await writeFile(tampered, bytes)
    const result = await runCli(['node', 'serve', '--model', modelId, '--weights', tampered, '--port', '0', '--json'], { home: chain.root })
    expect(result.code).toBe(3)
    expect(result.json.error.code).toBe('WEIGHTS_MISMATCH')
    expect(result.json.error.message).toContain(tampered)
    const manifestSha = (await cli(['model', 'info', modelId])).result.manifest.files[0].sha256
    expect(result.json.error.message).toContain(manifestSha)
    expect(result.json.error.message).toMatch(/its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/)

    // The genuine copy passes the same check.
    const genuine = join(chain.root, 'genuine')
    await mkdir(genuine)
    await copyFile(join(weights, 'model.gguf'), join(genuine, 'model.gguf'))
    const node = await startCli(['node', 'serve', '--model', modelId, '--weights', genuine, '--port', '0', '--json'], { home: chain.root })
    expect(node.ready.weights).toMatchObject({ verified: true, path: join(genuine, 'model.gguf') })
    expect(await node.stop()).toBe(0)
  })

  it('names what is wrong: unknown model, no GGUF, unreachable weights, a malformed GGUF, a taken port', async () => {
    expect((await cli(['node', 'serve', '--model', '999', '--port', '0'], 3)).error.code).toBe('MODEL_UNKNOWN')

    const notes = join(chain.root, 'notes')
    await mkdir(notes)
    await writeFile(join(notes, 'README.txt'), 'no weights here\n')
    const notesId = (await cli(['model', 'publish', notes, '--name', 'only-notes', '--dev-account', '0', '--yes'])).result.model.modelId
    expect((await cli(['node', 'serve', '--model', notesId, '--port', '0'], 3)).error.code).toBe('MODEL_HAS_NO_GGUF')

    // Another home on the same chain has none of the blocks, and its only source is down.
    const other = await homeOnChain(chain)
    try {
      const dead = await findFreePort()
      const result = await runCli(['node', 'serve', '--model', modelId, '--gateway', `http://127.0.0.1:${dead}`, '--port', '0', '--json', ...other.args], { home: other.root })
      expect(result.code).toBe(4)
      expect(result.json.error.code).toMatch(/^SOURCE_UNREACHABLE|SOURCES_EXHAUSTED$/)
    } finally {
      await other.cleanup()
    }

    // Without the TypeScript check this file aborts the whole process inside llama.cpp (SIGABRT).
    const { metadata, tensors } = devModelLayout({ preset: 'tiny', seed: 1, type: 'f32' })
    delete metadata['llama.feed_forward_length']
    const bad = join(chain.root, 'bad.gguf')
    await writeFile(bad, encodeGguf(metadata, tensors.map((t) => ({ name: t.name, dims: t.dims, data: t.data() }))))
    const malformed = await runCli(['node', 'serve', '--model', bad, '--port', '0', '--json'], { home: chain.root })
    expect(malformed.code).toBe(3)
    expect(malformed.json.error).toMatchObject({ code: 'GGUF_MALFORMED', message: expect.stringContaining('llama.feed_forward_length is missing') })

    const blocker = createServer()
    const port = await findFreePort()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const taken = await runCli(['node', 'serve', '--model', join(weights, 'model.gguf'), '--port', String(port), '--json'], { home: chain.root })
      expect(taken.code).toBe(4)
      expect(taken.json.error).toMatchObject({ code: 'NODE_LISTEN_FAILED', message: expect.stringContaining(`127.0.0.1:${port}`) })
    } finally {
      blocker.close()
    }
    if (!existsSync('/dev/nvidia0')) {
      // No silent fallback to the CPU when a GPU backend is asked for.
      const gpu = await runCli(['node', 'serve', '--model', join(weights, 'model.gguf'), '--gpu', 'cuda', '--port', '0', '--json'], { home: chain.root })
      expect(gpu.code).toBe(4)
      expect(gpu.json.error.code).toBe('GPU_UNAVAILABLE')
    }
    expect((await cli(['dev', 'gguf', '--preset', 'tiny', '--layers', '3', '--out', join(chain.root, 'x.gguf')], 2)).error.code).toBe('DEV_MODEL_OPTIONS_INVALID')
  })
})
