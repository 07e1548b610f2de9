// `modeldao verify receipt` end to end: a real node serves a tokenized model, its receipt replays as a match against
// the registered weights; a node that served a cheaper GGUF (fewer layers) is caught whether it names its real weights
// or lies about them.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainHome, type ChainHome } from '../helpers/chainHome.js'
import { jsonCli, runCli, startCli } from '../helpers/cli.js'
import { publishTinyModel } from '../helpers/models.js'

/** One greedy completion from a running node, and the receipt it left. */
async function servedReceipt(url: string, model: string, prompt: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, prompt, max_tokens: 24, temperature: 0 }) })
  expect(response.status).toBe(200)
  const id = response.headers.get('x-modeldao-receipt')
  expect(id).toMatch(/^[0-9a-f]{24}$/)
  return (await (await fetch(`${url}/v1/receipts/${id}`)).json()) as Record<string, unknown>
}

describe('verify receipt (CLI, chain, IPFS, llama.cpp)', () => {
  let chain: ChainHome
  let modelId: string
  const cli = jsonCli(() => chain.root)

  beforeAll(async () => {
    chain = await chainHome()
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '9', '--layers', '1', '--out', join(chain.root, 'cheap.gguf')])
    ;({ modelId } = await publishTinyModel(cli, chain.root, { seed: 9, name: 'tiny-verified' }))
  })
  afterAll(async () => chain?.stop())

  it('an honest receipt matches; a cheaper model is caught, lying about its weights or not', async () => {
    const honestNode = await startCli(['node', 'serve', '--model', modelId, '--port', '0', '--json'], { home: chain.root })
    const cheapNode = await startCli(['node', 'serve', '--model', join(chain.root, 'cheap.gguf'), '--port', '0', '--json'], { home: chain.root })
    let honest: Record<string, unknown>
    let cheap: Record<string, unknown>
    try {
      honest = await servedReceipt(honestNode.ready.url, modelId, 'The weights are')
      cheap = await servedReceipt(cheapNode.ready.url, 'cheap', 'The weights are')
    } finally {
      expect(await honestNode.stop()).toBe(0)
      expect(await cheapNode.stop()).toBe(0)
    }
    const file = (name: string, body: unknown) => {
      const path = join(chain.root, name)
      return writeFile(path, JSON.stringify(body)).then(() => path)
    }

    const ok = (await cli(['verify', 'receipt', await file('honest.json', honest)])).result
    expect(ok).toMatchObject({ verdict: 'match', reasons: [], modelId, weights: { verified: true } })
    expect(ok.weights.claimed).toBe(ok.weights.registered)
    expect(ok.replay.maxLogprobError).toBeLessThan(ok.replay.tolerance)

    // The cheat claims the registered model and its weights CID, but its tokens came from one layer of two.
    const lying = (await cli(['verify', 'receipt', await file('lying.json', { ...cheap, modelId, manifestCid: honest.manifestCid, weightsCid: honest.weightsCid })])).result
    expect(lying.verdict).toBe('mismatch')
    expect(lying.reasons).not.toContain('weights')
    expect(lying.reasons.length).toBeGreaterThan(0)

    // The same tokens naming the cheap file's own CID: other weights than registered.
    const named = (await cli(['verify', 'receipt', await file('named.json', { ...cheap, modelId, manifestCid: honest.manifestCid })])).result
    expect(named.verdict).toBe('mismatch')
    expect(named.reasons).toContain('weights')

    // A node that loads the cheap file behind the verified manifest (the dev flag for validator tests): its receipt
    // names the registered weights and still does not match.
    const cheat = await startCli(['node', 'serve', '--model', modelId, '--dev-substitute-weights', join(chain.root, 'cheap.gguf'), '--port', '0', '--json'], { home: chain.root })
    let substituted: Record<string, unknown>
    try {
      substituted = await servedReceipt(cheat.ready.url, modelId, 'Once upon a time')
    } finally {
      expect(await cheat.stop()).toBe(0)
    }
    expect(substituted.weightsCid).toBe(honest.weightsCid)
    const caught = (await cli(['verify', 'receipt', await file('substituted.json', substituted)])).result
    expect(caught).toMatchObject({ verdict: 'mismatch' })
    expect(caught.reasons).toContain('token')

    // Without prompt tokens there is nothing to replay: a clear error.
    const { promptTokenIds: _ids, ...bare } = honest
    const refused = await cli(['verify', 'receipt', await file('bare.json', bare)], 3)
    expect(refused.error).toMatchObject({ code: 'RECEIPT_MALFORMED' })
    expect(refused.error.message).toContain('no prompt token ids')
  })

  it('verify --explain prints the detection curve and the break-even condition', async () => {
    const explained = (await cli(['verify', '--explain', '--probe-rate', '0.1', '--stake', '100', '--gain', '5'])).result
    expect(explained.requestsFor).toEqual({ confidence: 0.99, requests: 44 })
    expect(explained.curve.find((c: { requests: number }) => c.requests === 50).detection).toBeCloseTo(1 - 0.9 ** 50, 10)
    expect(explained.economics).toMatchObject({ expectedLossPerRequest: 10, pays: false, minProbeRate: 0.05 })
    expect((await cli(['verify'], 2)).error.message).toContain('pass --explain')
    // At the README's figures (5% × 100 = 5 = the gain) a cheat breaks even: said so, not "PAYS".
    const even = await runCli(['verify', '--explain', '--probe-rate', '0.05', '--stake', '100', '--gain', '5'], { home: chain.root })
    expect(even.stdout).toContain('cheating BREAKS EVEN (it must lose) — raise the probe rate or the stake.')
  })
})
