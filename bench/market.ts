// The investors' market on a local anvil: `model list` over 1,000 models and 10,000 share transfers from the warm
// local index vs a fresh rescan of every log, and the gas of each fill when `shares buy` crosses 10 offers.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodeFunctionData, type Address, type Hex } from 'viem'
import { chainDown } from '../src/core/actions/chain/chainDown.js'
import { chainUp } from '../src/core/actions/chain/chainUp.js'
import { listModels } from '../src/core/actions/models/listModels.js'
import { buyShares } from '../src/core/actions/shares/buyShares.js'
import { createOffer } from '../src/core/actions/shares/createOffer.js'
import { mintTestTokens } from '../src/core/actions/token/mintTestTokens.js'
import { devAccountAddresses } from '../src/core/chain/local/devAccounts.js'
import { findFreePort } from '../src/core/chain/local/ports.js'
import { protocolArtifacts } from '../src/core/chain/protocol/registry.js'
import { createModeldao, type ModeldaoContext } from '../src/core/context/context.js'
import { attempt, medianMs, ratio, sidesOf, type Benchmark, type BenchRatio, type BenchRow } from './types.js'

const MODELS = Number(process.env.MODELDAO_BENCH_MODELS ?? 1000)
const TRANSFERS = Number(process.env.MODELDAO_BENCH_TRANSFERS ?? 10_000)
const OFFERS = 10
const runJs = fileURLToPath(new URL('../bin/run.js', import.meta.url))

/**
 * Sends `calls` from anvil's unlocked dev accounts as JSON-RPC batches of `eth_sendTransaction` (anvil fills in
 * nonces and mines each on arrival), then checks that every one succeeded.
 */
async function sendAll(rpcUrl: string, calls: { from: Address; to: Address; data: Hex }[], batch = 100) {
  const rpc = async (body: unknown) => {
    const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return (await response.json()) as { result?: string; error?: { message: string } }[]
  }
  // Explicit nonces: anvil would give concurrent requests from one account the same one.
  const nonces = new Map<string, number>()
  for (const from of new Set(calls.map((call) => call.from))) {
    const [count] = await rpc([{ jsonrpc: '2.0', id: 0, method: 'eth_getTransactionCount', params: [from, 'pending'] }])
    nonces.set(from, Number(count!.result))
  }
  // Automine off: a batch goes into the pool whatever order its requests arrive in, then blocks are mined until it is in.
  await rpc([{ jsonrpc: '2.0', id: 0, method: 'evm_setAutomine', params: [false] }])
  for (let i = 0; i < calls.length; i += batch) {
    const chunk = calls.slice(i, i + batch)
    const sent = await rpc(
      chunk.map((call, j) => {
        const nonce = nonces.get(call.from)!
        nonces.set(call.from, nonce + 1)
        return { jsonrpc: '2.0', id: j, method: 'eth_sendTransaction', params: [{ from: call.from, to: call.to, data: call.data, gas: '0x61a80', nonce: `0x${nonce.toString(16)}` }] }
      }),
    )
    const failed = sent.find((r) => r.error)
    if (failed) throw new Error(`eth_sendTransaction: ${failed.error!.message}`)
    await rpc([{ jsonrpc: '2.0', id: 0, method: 'evm_mine', params: [] }])
    let receipts = await rpc(sent.map((r, j) => ({ jsonrpc: '2.0', id: j, method: 'eth_getTransactionReceipt', params: [r.result] })))
    for (let tries = 0; receipts.some((r) => r.result === null) && tries < 200; tries++) {
      await rpc([{ jsonrpc: '2.0', id: 0, method: 'evm_mine', params: [] }])
      receipts = await rpc(sent.map((r, j) => ({ jsonrpc: '2.0', id: j, method: 'eth_getTransactionReceipt', params: [r.result] })))
    }
    const reverted = receipts.find((r) => (r.result as unknown as { status: string } | null)?.status !== '0x1')
    if (reverted) throw new Error(`a setup transaction did not succeed: ${JSON.stringify(reverted).slice(0, 200)}`)
  }
  await rpc([{ jsonrpc: '2.0', id: 0, method: 'evm_setAutomine', params: [true] }])
}

export const marketBenchmark: Benchmark = {
  name: 'market',
  description: `model list over ${MODELS} models and ${TRANSFERS} transfers (warm index vs rescan of all logs), and gas per fill across ${OFFERS} offers`,
  async run() {
    const rows: BenchRow[] = []
    const ratios: BenchRatio[] = []
    const home = await mkdtemp(join(tmpdir(), 'modeldao-bench-market-'))
    const contexts: ModeldaoContext[] = []
    const as = (devAccount?: number) => {
      const md = createModeldao({ home, ...(devAccount === undefined ? {} : { devAccount }) })
      contexts.push(md)
      return md
    }
    try {
      const { record } = await chainUp(as(), { port: await findFreePort() })
      const md = as(0)
      const shares = await md.contract('ModelShares')
      const accounts = devAccountAddresses()
      const creator = accounts[0]!

      const setupStart = Date.now()
      const creates = Array.from({ length: MODELS }, (_, i) => ({
        from: creator,
        to: shares.address,
        data: encodeFunctionData({ abi: protocolArtifacts.ModelShares.abi, functionName: 'createModel', args: [`bafkreibenchmodel${i}`, 1_000_000n, 500n, 7000, 1000n] }),
      }))
      await sendAll(record.rpcUrl, creates)
      // Deterministic spread: model i % MODELS to investor 1 + (i % 9), 1..50 shares.
      const transfers = Array.from({ length: TRANSFERS }, (_, i) => ({
        from: creator,
        to: shares.address,
        data: encodeFunctionData({
          abi: protocolArtifacts.ModelShares.abi,
          functionName: 'safeTransferFrom',
          args: [creator, accounts[1 + (i % 9)]!, BigInt(1 + ((i * 7919) % MODELS)), BigInt(1 + (i % 50)), '0x'],
        }),
      }))
      await sendAll(record.rpcUrl, transfers)
      rows.push({ label: 'setup: transactions sent', value: MODELS + TRANSFERS, unit: 'tx', note: `${((Date.now() - setupStart) / 1000).toFixed(1)} s` })

      // Ten offers of model 1 at ten prices by dev accounts 0-8 (0 twice; 9 is the buyer), who first receive shares.
      const sellers = Array.from({ length: OFFERS }, (_, i) => i % 9)
      const sellerContexts = sellers.map((i) => as(i))
      const buyer = as(9)
      await sendAll(
        record.rpcUrl,
        [...new Set(sellers)].filter((i) => i > 0).map((i) => ({
          from: creator,
          to: shares.address,
          data: encodeFunctionData({ abi: protocolArtifacts.ModelShares.abi, functionName: 'safeTransferFrom', args: [creator, accounts[i]!, 1n, 100n, '0x'] }),
        })),
      )
      for (const [i, seller] of sellerContexts.entries()) await createOffer(seller, { modelId: 1, amount: 10, price: String(1 + i) })
      await mintTestTokens(buyer, { amount: '5000' })

      // The measured list: the same call, warm (index synced, nothing new) vs from an emptied index (every log read).
      const warm = await attempt(rows, 'model list, warm index', 'ms', async () => {
        const first = await listModels(md)
        if (first.total !== MODELS) throw new Error(`listed ${first.total} models, expected ${MODELS}`)
        return medianMs(() => listModels(md), 9)
      })
      const rescan = await attempt(rows, 'model list, rescan of all logs', 'ms', async () => {
        const index = await md.index()
        return medianMs(async () => {
          index.reset()
          const listed = await listModels(md)
          if (listed.total !== MODELS) throw new Error(`listed ${listed.total} models after a rescan`)
        }, 3)
      })
      if (warm !== undefined) rows.push({ label: 'model list, warm index', value: warm, unit: 'ms' })
      if (rescan !== undefined) rows.push({ label: 'model list, rescan of all logs', value: rescan, unit: 'ms' })
      ratios.push(ratio('rescan / warm index', (rescan ?? Number.NaN) / (warm ?? Number.NaN), { op: '>=', value: 20 }, sidesOf(rows, 'model list, warm index', 'model list, rescan of all logs')))

      // The same through the CLI (process start included: what a user waits for).
      const cli = (args: string[]) => {
        const started = process.hrtime.bigint()
        const result = spawnSync(process.execPath, [runJs, ...args, '--json'], { env: { ...process.env, MODELDAO_HOME: home }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
        if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stdout.slice(0, 300)}${result.stderr.slice(0, 300)}`)
        return Number(process.hrtime.bigint() - started) / 1e6
      }
      await attempt(rows, 'CLI model list, warm', 'ms', async () => {
        cli(['model', 'list'])
        const warmCli = cli(['model', 'list'])
        const rebuildCli = cli(['index', 'rebuild'])
        rows.push({ label: 'CLI model list, warm', value: warmCli, unit: 'ms', note: 'process start included' })
        rows.push({ label: 'CLI index rebuild', value: rebuildCli, unit: 'ms', note: 'process start included' })
        ratios.push(ratio('CLI rebuild / CLI warm list (process start included)', rebuildCli / warmCli, undefined, sidesOf(rows, 'CLI model list, warm', 'CLI index rebuild')))
      })

      // Gas per fill: one buy crossing all ten offers, cheapest first.
      await attempt(rows, 'shares buy across 10 offers', 'gas', async () => {
        const connection = await buyer.chain()
        const bought = await buyShares(buyer, { modelId: 1, amount: OFFERS * 10 })
        if (bought.bought.length !== OFFERS) throw new Error(`filled from ${bought.bought.length} offers, expected ${OFFERS}`)
        const gas = await Promise.all(bought.bought.map(async (fill) => (await connection.publicClient.getTransactionReceipt({ hash: fill.transactionHash })).gasUsed))
        const approval = bought.approvalHash ? (await connection.publicClient.getTransactionReceipt({ hash: bought.approvalHash })).gasUsed : 0n
        const numbers = gas.map(Number)
        rows.push({ label: 'gas per fill, mean of 10', value: numbers.reduce((a, b) => a + b, 0) / numbers.length, unit: 'gas', note: `min ${Math.min(...numbers)}, max ${Math.max(...numbers)}; fills 2-10 pay the royalty, fill 1 is the creator's` })
        rows.push({ label: 'approval (once per buy)', value: Number(approval), unit: 'gas' })
      })
      return { rows, ratios }
    } finally {
      for (const md of contexts) await md.dispose()
      await chainDown(createModeldao({ home })).catch(() => undefined)
      await rm(home, { recursive: true, force: true })
    }
  },
}
