// Every TypeScript snippet in the README runs as written against the quick-start chain (issue 27: the stock x402
// snippet threw there). Only the placeholders a reader replaces are filled in: the node's URL (the README's
// 127.0.0.1:8000), the operator's and the payment token's addresses, the `modeldao` package (this checkout's source)
// and the relative folders of the library snippet. `account` in the stock x402 snippet is the one the first snippet
// makes (the README says "as above").
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ServingNode } from '../src/core/actions/node/startServingNode.js'
import { createModeldao, type ModeldaoContext } from '../src/core/context/context.js'
import { chainHome, type ChainHome } from './helpers/chainHome.js'
import { jsonCli, runCli } from './helpers/cli.js'
import { publishTinyModel } from './helpers/models.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const snippets = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^( *)```ts\n([\s\S]*?)^\1```/gm)].map((m) => m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''))
const PASSWORD = 'readme-snippets'

describe('README snippets (quick-start chain, a paid node, real llama.cpp)', () => {
  let chain: ChainHome
  let operatorCtx: ModeldaoContext
  let node: ServingNode
  let url: string
  let weights: string
  let paymentToken: string
  const folder = join(root, '.scratch', `readme-snippets-${process.pid}`)
  const saved = { home: process.env.MODELDAO_HOME, password: process.env.MODELDAO_PASSWORD }

  beforeAll(async () => {
    chain = await chainHome()
    const cli = jsonCli(() => chain.root)
    // The quick start's first model is model 1, as the snippets say.
    ;({ weights } = await publishTinyModel(cli, chain.root, { seed: 4, name: 'readme' }))
    const env = { MODELDAO_PASSWORD: PASSWORD }
    expect((await runCli(['wallet', 'create', 'client', '--kdf', 'light'], { home: chain.root, env })).code).toBe(0)
    expect((await runCli(['wallet', 'fund', 'client'], { home: chain.root, env })).code).toBe(0)
    paymentToken = (await cli(['chain', 'status'])).result.deployments.paymentToken
    operatorCtx = createModeldao({ home: chain.root, devAccount: 1 })
    node = new ServingNode(operatorCtx, { model: '1', port: 0, contextSize: 256, maxTokens: 64, payments: { prices: { perRequest: 1_000n, perOutputToken: 100n }, settleEveryMs: 0 } })
    url = (await node.start()).url
    process.env.MODELDAO_HOME = chain.root
    process.env.MODELDAO_PASSWORD = PASSWORD
    await mkdir(folder, { recursive: true })
  })
  afterAll(async () => {
    process.env.MODELDAO_HOME = saved.home
    process.env.MODELDAO_PASSWORD = saved.password
    await node?.stop()
    await operatorCtx?.dispose()
    await chain?.stop()
    await rm(folder, { recursive: true, force: true })
  })

  /** Writes a snippet with its placeholders filled in, and runs it as a module. */
  const run = async (index: number, prelude = '') => {
    const source = snippets[index]!
      .replaceAll("from 'modeldao'", `from '${pathToFileURL(join(root, 'src/index.ts')).href}'`)
      .replaceAll('http://127.0.0.1:8000', url)
      .replaceAll('0xOperatorAddress', node.info!.payments!.operator)
      .replaceAll('0xPaymentTokenAddress', paymentToken)
      .replaceAll("'./.modeldao'", JSON.stringify(chain.root))
      .replaceAll("'./weights'", JSON.stringify(weights))
      .replaceAll("'./copy'", JSON.stringify(join(folder, 'copy')))
    const file = join(folder, `snippet-${index}.ts`)
    await writeFile(file, `${prelude}${source}\nexport {}\n`)
    await import(/* @vite-ignore */ pathToFileURL(file).href)
  }

  it('the README has its three snippets: the openai client with the paying fetch, a stock x402 client, the library', () => {
    expect(snippets).toHaveLength(3)
    expect(snippets[0]).toContain('createPayingFetch')
    expect(snippets[1]).toContain('wrapFetchWithPaymentFromConfig')
    expect(snippets[2]).toContain('publishModel')
  })

  it('the openai client with the paying fetch streams a paid answer', async () => {
    const written: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true))
    try {
      await run(0, 'export const ran = true\n')
    } finally {
      spy.mockRestore()
    }
    expect(written.join('').length).toBeGreaterThan(0)
  })

  it('a stock x402 client pays in the quick-start token, within its cap', async () => {
    const md = createModeldao({ home: chain.root, account: 'client', getPassword: async () => PASSWORD })
    try {
      ;(globalThis as { readmeAccount?: unknown }).readmeAccount = await md.signer()
      const logged: unknown[] = []
      const spy = vi.spyOn(console, 'log').mockImplementation((value: unknown) => void logged.push(value))
      try {
        await run(1, 'const account = (globalThis as any).readmeAccount\n')
      } finally {
        spy.mockRestore()
      }
      const usage = logged[0] as { cost?: string; receipt?: { signature?: string } }
      // exact: the fixed price of the request's max_tokens (64).
      expect(usage.cost).toBe(String(1_000 + 100 * 64))
      expect(usage.receipt?.signature).toMatch(/^0x[0-9a-f]{130}$/)
    } finally {
      await md.dispose()
    }
  })

  it('the library publishes and fetches a model', async () => {
    await run(2)
    expect(existsSync(join(folder, 'copy', 'model.gguf'))).toBe(true)
  })
})
