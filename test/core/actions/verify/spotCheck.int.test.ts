// Spot checks end to end on a real anvil with real paid nodes: a validator pays probe requests like any client,
// replays the receipts against the registered weights, finds nothing wrong with an honest node, catches a node that
// loads a one-layer copy behind the verified manifest, files the challenge, and a validator's vote (CLI) slashes it.
import type { Hex } from 'viem'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advanceTime } from '../../../../src/core/actions/chain/advanceTime.js'
import { getChannel } from '../../../../src/core/actions/channel/getChannel.js'
import { openChannel } from '../../../../src/core/actions/channel/openChannel.js'
import { registerNode } from '../../../../src/core/actions/node/registerNode.js'
import { ServingNode } from '../../../../src/core/actions/node/startServingNode.js'
import { mintTestTokens } from '../../../../src/core/actions/token/mintTestTokens.js'
import { registerValidator } from '../../../../src/core/actions/verify/registerValidator.js'
import { voteRoundThroughCli } from '../../../helpers/disputes.js'
import { spotCheck } from '../../../../src/core/actions/verify/spotCheck.js'
import { NODE_MIN_STAKE } from '../../../../src/core/chain/protocol/registry.js'
import type { ModeldaoContext } from '../../../../src/core/context/context.js'
import { devContexts } from '../../../helpers/contexts.js'
import { chainHome, type ChainHome } from '../../../helpers/chainHome.js'
import { jsonCli, runCli } from '../../../helpers/cli.js'

const PRICES = { perRequest: 1_000n, perOutputToken: 100n }
const PROMPTS = ['Tell me a story', 'What are weights?', 'Hello there', 'Count to five']

describe('spot checks catch a cheating node and it is slashed (real anvil, paid nodes, llama.cpp)', () => {
  let chain: ChainHome
  let modelId: string
  const nodes: ServingNode[] = []
  const { as, disposeAll } = devContexts(() => chain.root)
  let runner: ModeldaoContext
  let honest: { url: string; channelId: `0x${string}`; operator: `0x${string}` }
  let cheat: { url: string; channelId: `0x${string}`; operator: `0x${string}` }

  /** An operator staked in NodeRegistry and serving the model with payments; `substitute` makes it cheat. */
  async function operatorNode(devIndex: number, substitute?: string) {
    const operator = as(devIndex)
    await mintTestTokens(operator, { amount: '10' })
    const account = await operator.signer()
    const node = new ServingNode(operator, { model: modelId, port: 0, contextSize: 256, maxTokens: 64, payments: { prices: PRICES, settleEveryMs: 0 }, devSubstituteWeights: substitute })
    nodes.push(node)
    const { url } = await node.start()
    await registerNode(operator, { modelId, url, prices: PRICES, stake: NODE_MIN_STAKE })
    const { channelId } = await openChannel(runner, { operator: account.address, amount: 1_000_000n })
    return { url, channelId, operator: account.address }
  }

  beforeAll(async () => {
    chain = await chainHome()
    const weights = join(chain.root, 'weights')
    await mkdir(weights)
    const cli = jsonCli(() => chain.root)
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '3', '--out', join(weights, 'model.gguf')])
    await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', '3', '--layers', '1', '--out', join(chain.root, 'cheap.gguf')])
    modelId = String((await cli(['model', 'publish', weights, '--name', 'spot-checked', '--dev-account', '0', '--yes'])).result.model.modelId)
    runner = as(2)
    await mintTestTokens(runner, { amount: '100' })
    // The voting validator registers before anything is challenged, with enough stake that validators decide.
    await mintTestTokens(as(4), { amount: '50' })
    await registerValidator(as(4), { stake: '50' })
    honest = await operatorNode(1)
    cheat = await operatorNode(5, join(chain.root, 'cheap.gguf'))
  })
  afterAll(async () => {
    for (const node of nodes) await node.stop()
    await disposeAll()
    await chain?.stop()
  })

  it('an honest node passes every probe: no challenge', async () => {
    // Shapes drawn as client traffic is (sampled and greedy, with and without max tokens, channel and exact).
    const result = await spotCheck(runner, { url: honest.url, modelId, probes: 4, prompts: PROMPTS, maxTokens: 24, jitterMs: 0, challenge: true })
    expect(result.probes).toHaveLength(4)
    expect(result.probes.every((p) => p.replayed && p.verdict === 'match'), JSON.stringify(result.probes)).toBe(true)
    expect(result.mismatches).toBe(0)
    expect(result.challenge).toBeUndefined()
  })

  it('a probe wallet reuses its recorded channel from the first probe, and tops it up only when the node finds it too low', async () => {
    const wallet = as(6)
    await mintTestTokens(wallet, { amount: '10' })
    // Recorded but nearly empty: 2,000 base units cannot cover one probe's ceiling.
    const { channelId } = await openChannel(wallet, { operator: honest.operator, amount: 2_000n })
    const shapes = [{ prompt: 'Hello there', temperature: 0, maxTokens: 8, pay: 'channel' as const }]
    const result = await spotCheck(runner, { url: honest.url, modelId, operator: honest.operator, payer: wallet, probes: 2, shapes, deposit: 1_000_000n, jitterMs: 0 })
    expect(result.probes.map((p) => p.verdict)).toEqual(['match', 'match'])
    // One top-up of the recorded channel, no new channel.
    expect((await getChannel(wallet, { channelId })).balance).toBe('1002000')
  })

  it('from the CLI: validator run probes every registered node, catches the one serving a one-layer copy, challenges it; a validator vote slashes it', async () => {
    const run = await runCli(['validator', 'run', '--model', modelId, '--probes', '3', '--max-tokens', '16', '--challenge', '--jitter', '0', '--dev-account', '2', '--json'], { home: chain.root })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const byOperator = new Map(run.json.result.nodes.map((n: { operator: string }) => [n.operator, n]))
    expect(byOperator.get(honest.operator)).toMatchObject({ mismatches: 0 })
    expect((byOperator.get(honest.operator) as { challenge?: unknown }).challenge).toBeUndefined()
    const caught = byOperator.get(cheat.operator) as { mismatches: number; challenge: { challengeId: string } }
    expect(caught.mismatches).toBe(3)
    expect(caught.challenge.challengeId).toMatch(/^0x[0-9a-f]{64}$/)

    const listed = await runCli(['node', 'list', '--model', modelId, '--json'], { home: chain.root })
    const cheatRow = listed.json.result.nodes.find((n: { operator: string }) => n.operator === cheat.operator)
    expect(cheatRow.challenges).toEqual({ upheld: 0, rejected: 0, open: 1 })
    // This home's spot checks: the cheat failed its 3 probes; the honest node passed its 4 + 2 (library) + 3 (CLI).
    expect(cheatRow.probes).toEqual({ probes: 3, passed: 0, failed: 3, withheld: 0, unverifiable: 0 })
    expect(listed.json.result.nodes.find((n: { operator: string }) => n.operator === honest.operator).probes).toEqual({ probes: 9, passed: 9, failed: 0, withheld: 0, unverifiable: 0 })

    const voted = await voteRoundThroughCli(runner, chain.root, caught.challenge.challengeId as Hex, 'cheat', 4)
    expect(voted.code, voted.stdout + voted.stderr).toBe(0)
    expect(voted.json.result).toMatchObject({ challenge: { status: 'upheld' }, resolution: { slashed: NODE_MIN_STAKE.toString() } })
    const [connection, registry] = await Promise.all([runner.chain(), runner.contract('NodeRegistry')])
    expect(await connection.publicClient.readContract({ address: registry.address, abi: registry.abi, functionName: 'stakeOf', args: [BigInt(modelId), cheat.operator] })).toBe(0n)
    expect(await connection.publicClient.readContract({ address: registry.address, abi: registry.abi, functionName: 'stakeOf', args: [BigInt(modelId), honest.operator] })).toBe(NODE_MIN_STAKE)
    // The slashed node left the active set; the honest one is listed with a clean record.
    const after = await runCli(['node', 'list', '--model', modelId, '--json'], { home: chain.root })
    expect(after.json.result.nodes).toEqual([expect.objectContaining({ operator: honest.operator, challenges: { upheld: 0, rejected: 0, open: 0 }, probes: { probes: 9, passed: 9, failed: 0, withheld: 0, unverifiable: 0 } })])
  })
})
