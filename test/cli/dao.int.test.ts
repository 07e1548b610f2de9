// The DAO commands end to end through the built CLI with --json, on a real anvil with time travel: create a DAO,
// propose a dataset, three holders vote (one by signature through a relayer), queue, advance, execute, and
// `datasets list` shows it; a version proposal with stakes on both sides resolves and `stake claim` pays exactly.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTinyGguf } from '../../src/core/models/syntheticModel.js'
import { chainHome, type ChainHome } from '../helpers/chainHome.js'
import { jsonCli, runCli } from '../helpers/cli.js'

const [CREATOR, ALICE, BOB, CAROL] = ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '0x90F79bf6EB2c4f870365E785982E1f101E93b906']
// What kubo's `ipfs add --cid-version 1` gives an empty file: `ipfs add` must give the same.
const DATASET_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'

describe('dao, stake and datasets commands (real anvil)', () => {
  let chain: ChainHome
  const cli = jsonCli(() => chain.root)
  let modelId: string

  beforeAll(async () => {
    chain = await chainHome()
    const weights = join(chain.root, 'weights')
    await mkdir(weights)
    await writeTinyGguf(join(weights, 'model.gguf'))
    const published = await cli(['model', 'publish', weights, '--name', 'tiny-governed', '--dev-account', '0', '--yes', '--supply', '1000'])
    modelId = String(published.result.model.modelId)
    await cli(['shares', 'transfer', modelId, ALICE, '--amount', '300', '--dev-account', '0'])
    await cli(['shares', 'transfer', modelId, BOB, '--amount', '200', '--dev-account', '0'])
    await cli(['shares', 'transfer', modelId, CAROL, '--amount', '100', '--dev-account', '0'])
  })
  afterAll(async () => chain?.stop())

  it('dataset: create → propose → three votes → queue → advance → execute → datasets list', async () => {
    const dao = (await cli(['dao', 'create', modelId, '--voting-delay', '8', '--voting-period', '15', '--quorum', '20', '--super-quorum', '95', '--timelock-delay', '1h', '--dev-account', '0'])).result
    expect(dao.settings).toMatchObject({ votingDelay: 8, votingPeriod: 15, quorumPercent: 20, timelockDelay: 3600, proposalThreshold: '1' })

    // A placeholder (as in the examples) or a typo never reaches the chain.
    const placeholder = await cli(['dao', 'propose', 'dataset', '--model', modelId, '--cid', 'bafkrei…', '--name', 'x', '--dev-account', '1'], 2)
    expect(placeholder.error).toMatchObject({ code: 'CID_INVALID', message: '"bafkrei…" is not a valid CID.' })
    expect((await cli(['dao', 'propose', 'version', '--model', modelId, '--manifest', 'bafyrei…', '--dev-account', '1'], 2)).error.code).toBe('CID_INVALID')

    await writeFile(join(chain.root, 'empty.jsonl'), '')
    const added = (await cli(['ipfs', 'add', join(chain.root, 'empty.jsonl'), '--label', 'empty sample'])).result
    expect(added).toMatchObject({ cid: DATASET_CID, size: 0 })
    expect((await cli(['ipfs', 'pins'])).result.pins).toEqual(expect.arrayContaining([expect.objectContaining({ cid: DATASET_CID, label: 'empty sample' })]))
    expect((await cli(['ipfs', 'add', chain.root], 3)).error.code).toBe('PUBLISH_NOT_A_FILE')

    const proposed = (await cli(['dao', 'propose', 'dataset', '--model', modelId, '--cid', added.cid, '--name', 'empty sample', '--license', 'CC0-1.0', '--size', '0', '--rationale', 'A test', '--dev-account', '1'])).result
    expect(proposed).toMatchObject({ proposalId: 1, title: `Include dataset "empty sample" in the next training run of model ${modelId}` })

    const early = await cli(['dao', 'vote', '1', 'for', '--dev-account', '1'], 3)
    expect(early.error.code).toBe('PROPOSAL_STATE')
    expect(early.error.message).toMatch(/has not started: it starts after block \d+, now \d+/)
    await cli(['chain', 'mine', '--blocks', '9'])

    expect((await cli(['dao', 'vote', '1', 'for', '--reason', 'good', '--dev-account', '1'])).result).toMatchObject({ weight: '300', support: 'for' })
    // Carol has no gas to spare: she signs, the creator relays.
    const bySig = (await cli(['dao', 'vote', '1', 'against', '--by-sig', '--dev-account', '3', '--relayer-dev-account', '0'])).result
    expect(bySig).toMatchObject({ voter: CAROL, relayedBy: CREATOR, weight: '100', support: 'against' })
    expect((await cli(['dao', 'vote', '1', 'abstain', '--dev-account', '2'])).result).toMatchObject({ weight: '200' })
    expect((await cli(['dao', 'vote', '1', 'for', '--dev-account', '2'], 3)).error.code).toBe('ALREADY_VOTED')

    const shown = (await cli(['dao', 'show', '1', '--dev-account', '0'])).result
    expect(shown).toMatchObject({ kind: 'dataset', status: { state: 'active', votes: { for: '300', against: '100', abstain: '200' }, quorum: '200', quorumReached: true } })
    expect(shown.actions[0].text).toBe(`include dataset "empty sample" ${DATASET_CID} (CC0-1.0, 0 bytes)`)
    const text = await runCli(['dao', 'show', '1'], { home: chain.root })
    expect(text.stdout).toContain('Quorum (for + abstain): 500 of 200 (250%) reached')

    await cli(['chain', 'mine', '--blocks', '15'])
    const list = (await cli(['dao', 'proposals', '--model', modelId, '--state', 'succeeded'])).result.proposals
    expect(list.map((p: { proposalId: number; state: string }) => [p.proposalId, p.state])).toEqual([[1, 'succeeded']])
    expect((await cli(['dao', 'queue', '1', '--dev-account', '2'])).result.state).toBe('queued')
    expect((await cli(['dao', 'execute', '1', '--dev-account', '2'], 3)).error.message).toMatch(/is queued; it can be executed from/)
    await cli(['chain', 'advance', '--time', '1h'])
    expect((await cli(['dao', 'execute', '1', '--dev-account', '2'])).result.state).toBe('executed')

    const datasets = (await cli(['datasets', 'list', '--model', modelId, '--history'])).result
    expect(datasets.datasets).toEqual([{ cid: DATASET_CID, name: 'empty sample', license: 'CC0-1.0', sizeBytes: '0', descriptionCid: '' }])
    expect(datasets.history).toEqual([expect.objectContaining({ included: true, cid: DATASET_CID })])
  })

  it('version: stakes on both sides, the DAO rejects it, `stake claim` pays the "against" side exactly', async () => {
    for (const dev of ['4', '5']) await cli(['token', 'faucet', '--dev-account', dev, '--amount', '100'])
    const proposed = (await cli(['dao', 'propose', 'version', '--model', modelId, '--manifest', 'bafkreicqtwvzlywo6gxfuujlqhguwfgo46xtpdspkgjsxoyuwcgms26plq', '--dev-account', '1'])).result
    expect(proposed.stakingRound).toBeDefined()
    // Stakes are taken until the vote opens (8 blocks after the proposal), then refused.
    await cli(['stake', 'for', String(proposed.proposalId), '--model', modelId, '--amount', '30', '--dev-account', '4'])
    const staked = (await cli(['stake', 'against', String(proposed.proposalId), '--model', modelId, '--amount', '10', '--dev-account', '5'])).result
    expect([staked.totalFor, staked.totalAgainst]).toEqual(['30000000', '10000000'])
    await cli(['chain', 'mine', '--blocks', '4'])
    expect((await cli(['stake', 'against', String(proposed.proposalId), '--model', modelId, '--amount', '10', '--dev-account', '5'], 3)).error.message).toMatch(/closed when its vote opened, after block \d+; it is active/)
    // The holders vote it down: 500 against, 300 for.
    await cli(['dao', 'vote', String(proposed.proposalId), 'against', '--model', modelId, '--dev-account', '0'])
    await cli(['dao', 'vote', String(proposed.proposalId), 'for', '--model', modelId, '--dev-account', '1'])
    await cli(['chain', 'mine', '--blocks', '16'])
    expect((await cli(['dao', 'queue', String(proposed.proposalId), '--model', modelId], 3)).error.message).toMatch(/was defeated \(for 300, against 400/)
    // 30 lost, less the 5% cut (1.5) = 28.5 for the against side.
    const claim = (await cli(['stake', 'claim', '--dev-account', '5'])).result
    expect(claim.claims).toEqual([expect.objectContaining({ proposalId: proposed.proposalId, outcome: 'rejected', amount: '38500000' })])
    expect((await cli(['stake', 'claim', '--dev-account', '4'], 3)).error.code).toBe('NOTHING_STAKED')
    expect((await cli(['token', 'balance', '--dev-account', '5'])).result.balance).toBe('128500000')
  })
})
