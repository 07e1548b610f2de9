// A model's DAO on a real anvil with time travel: create it, propose a dataset, three holders vote, queue, advance
// time, execute, and the dataset is listed; a version proposal with stakes on both sides resolves and claims pay the
// exact amounts; every wrong moment reads as a sentence.
import { erc20Abi, parseUnits, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advanceTime } from '../../../../src/core/actions/chain/advanceTime.js'
import { mineBlocks } from '../../../../src/core/actions/chain/mineBlocks.js'
import { castVote } from '../../../../src/core/actions/dao/castVote.js'
import { createDao } from '../../../../src/core/actions/dao/createDao.js'
import { delegateVotes } from '../../../../src/core/actions/dao/delegateVotes.js'
import { executeProposal } from '../../../../src/core/actions/dao/executeProposal.js'
import { getProposal } from '../../../../src/core/actions/dao/getProposal.js'
import { listDatasets } from '../../../../src/core/actions/dao/listDatasets.js'
import { listProposals } from '../../../../src/core/actions/dao/listProposals.js'
import { propose } from '../../../../src/core/actions/dao/propose.js'
import { queueProposal } from '../../../../src/core/actions/dao/queueProposal.js'
import { registerModel } from '../../../../src/core/actions/models/registerModel.js'
import { transferShares } from '../../../../src/core/actions/shares/transferShares.js'
import { claimStakes } from '../../../../src/core/actions/staking/claimStakes.js'
import { stakeOnVersion } from '../../../../src/core/actions/staking/stakeOnVersion.js'
import { mintTestTokens } from '../../../../src/core/actions/token/mintTestTokens.js'
import { devAccount } from '../../../../src/core/chain/local/devAccounts.js'
import type { ModeldaoContext } from '../../../../src/core/context/context.js'
import { devContexts } from '../../../helpers/contexts.js'
import { chainHome, type ChainHome } from '../../../helpers/chainHome.js'

const usd = (text: string) => parseUnits(text, 6)
const DATASET = { cid: 'bafkreidatasetcidforthedaotest', name: 'Tiny stories sample', license: 'CC-BY-4.0', sizeBytes: 123_456n, descriptionCid: '' }
const V2 = 'bafkreiversiontwomanifestcid'

describe('model DAO lifecycle (real anvil)', () => {
  let chain: ChainHome
  const { as, disposeAll } = devContexts(() => chain.root)
  const address = (i: number): Address => devAccount(i, 31337).address
  let creator: ModeldaoContext, alice: ModeldaoContext, bob: ModeldaoContext, carol: ModeldaoContext, stranger: ModeldaoContext
  let stakerFor: ModeldaoContext, stakerAgainst: ModeldaoContext, stakerFor2: ModeldaoContext
  let modelId: number

  const tokenBalance = async (who: Address) => {
    const [connection, deployments] = await Promise.all([creator.chain(), creator.deployments()])
    return connection.publicClient.readContract({ address: deployments.paymentToken, abi: erc20Abi, functionName: 'balanceOf', args: [who] })
  }

  beforeAll(async () => {
    chain = await chainHome()
    ;[creator, alice, bob, carol, stranger, stakerFor, stakerAgainst, stakerFor2] = [0, 1, 2, 3, 4, 5, 6, 7].map(as) as [ModeldaoContext, ModeldaoContext, ModeldaoContext, ModeldaoContext, ModeldaoContext, ModeldaoContext, ModeldaoContext, ModeldaoContext]
    const registered = await registerModel(creator, {
      manifestCid: 'bafkreidaomodelversionone',
      terms: { supply: 1000n, royaltyBps: 500n, feeShareBps: 3000, pricePerRequest: usd('0.01'), paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 },
    })
    modelId = Number(registered.modelId)
    // creator 40%, alice 30%, bob 20%, carol 10%.
    await transferShares(creator, { modelId, to: address(1), amount: 300 })
    await transferShares(creator, { modelId, to: address(2), amount: 200 })
    await transferShares(creator, { modelId, to: address(3), amount: 100 })
    for (const md of [stakerFor, stakerAgainst, stakerFor2]) await mintTestTokens(md, { amount: '1000' })
  })
  afterAll(async () => {
    await disposeAll()
    await chain?.stop()
  })

  it('refuses a DAO created by someone other than the admin, then creates it and hands the model over', async () => {
    await expect(createDao(alice, { modelId })).rejects.toMatchObject({ code: 'NOT_MODEL_ADMIN' })
    const dao = await createDao(creator, { modelId, settings: { votingDelay: 10, votingPeriod: 20, quorumPercent: 20, superQuorumPercent: 90, timelockDelay: 3600 } })
    expect(dao.settings.proposalThreshold).toBe('1')
    const [connection, shares] = await Promise.all([creator.chain(), creator.contract('ModelShares')])
    expect(await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'adminOf', args: [BigInt(modelId)] })).toBe(dao.timelock)
    await expect(createDao(creator, { modelId })).rejects.toMatchObject({ code: 'DAO_EXISTS' })
  })

  it('dataset proposal: three holders vote, queue, advance, execute, and the dataset is listed', async () => {
    await expect(propose(stranger, { modelId, content: { kind: 'dataset', dataset: DATASET } })).rejects.toMatchObject({ code: 'BELOW_PROPOSAL_THRESHOLD' })
    const proposed = await propose(alice, { modelId, content: { kind: 'dataset', dataset: DATASET }, rationale: 'Short, clean, licensed.' })
    expect(proposed.proposalId).toBe(1)
    expect(proposed.title).toBe(`Include dataset "${DATASET.name}" in the next training run of model ${modelId}`)
    expect(proposed.actions.map((a) => a.text)).toEqual([`include dataset "${DATASET.name}" ${DATASET.cid} (CC-BY-4.0, 123456 bytes)`])

    // Too early: the sentence names the start block and now.
    await expect(castVote(alice, { proposalId: 1, support: 'for' })).rejects.toThrow(/has not started: it starts after block \d+, now \d+/)
    await mineBlocks(creator, { blocks: 11 })
    // Shares moved after the snapshot do not count: carol gives bob 50 now; bob still votes 200, carol 100.
    await transferShares(carol, { modelId, to: address(2), amount: 50 })
    const a = await castVote(alice, { proposalId: 1, support: 'for', reason: 'good data' })
    const b = await castVote(bob, { proposalId: 1, modelId, support: 'for' })
    const c = await castVote(carol, { proposalId: 1, support: 'against' })
    expect([a.weight, b.weight, c.weight]).toEqual(['300', '200', '100'])
    await expect(castVote(alice, { proposalId: 1, support: 'against' })).rejects.toMatchObject({ code: 'ALREADY_VOTED' })
    await expect(castVote(stranger, { proposalId: 1, support: 'for' })).rejects.toMatchObject({ code: 'NO_VOTING_POWER' })

    const shown = await getProposal(creator, { proposalId: 1 })
    expect(shown.kind).toBe('dataset')
    expect(shown.status.state).toBe('active')
    expect(shown.status.votes).toEqual({ for: '500', against: '100', abstain: '0' })
    expect(shown.status.quorum).toBe('200')
    expect(shown.status.quorumReached).toBe(true)
    expect(shown.status.account).toMatchObject({ votingPower: '400', hasVoted: false, atSnapshot: true })
    expect(shown.votes.map((v) => [v.voter, v.support, v.weight, v.reason])).toEqual([
      [address(1), 1, '300', 'good data'],
      [address(2), 1, '200', ''],
      [address(3), 0, '100', ''],
    ])
    await expect(queueProposal(creator, { proposalId: 1 })).rejects.toThrow(/still being voted on: voting ends at block/)

    await mineBlocks(creator, { blocks: 20 })
    const queued = await queueProposal(creator, { proposalId: 1 })
    expect(queued.eta).toBeGreaterThan(0)
    await expect(executeProposal(creator, { proposalId: 1 })).rejects.toThrow(/is queued; it can be executed from .* \(in \d+ s/)
    await advanceTime(creator, { seconds: 3601 })
    await executeProposal(stranger, { proposalId: 1 })
    const { datasets } = await listDatasets(bob, { modelId })
    expect(datasets).toEqual([{ cid: DATASET.cid, name: DATASET.name, license: DATASET.license, sizeBytes: '123456', descriptionCid: '' }])
    const { proposals } = await listProposals(bob, { modelId })
    expect(proposals.map((p) => [p.proposalId, p.state, p.tally.for, p.tally.against, p.tally.voters])).toEqual([[1, 'executed', '500', '100', 3]])
  })

  it('delegation moves votes for later proposals only', async () => {
    await delegateVotes(carol, { modelId, to: address(0) })
    const proposed = await propose(creator, { modelId, content: { kind: 'params', change: { pricePerRequest: usd('0.02'), votingPeriod: 30 } } })
    expect(proposed.actions.map((a) => a.text)).toEqual(['set the price per request to 0.02 tUSD', 'set the voting period to 30 blocks'])
    await mineBlocks(creator, { blocks: 11 })
    const vote = await castVote(creator, { proposalId: proposed.proposalId, support: 'for' })
    expect(vote.weight).toBe('450') // 400 own + carol's 50
    await expect(castVote(carol, { proposalId: proposed.proposalId, support: 'for' })).rejects.toMatchObject({ code: 'NO_VOTING_POWER' })
  })

  it('version proposal with stakes on both sides: promoted, and each claim pays the exact amount', async () => {
    const proposed = await propose(bob, { modelId, content: { kind: 'version', manifestCid: V2 } })
    expect(proposed.stakingRound).toBeDefined()
    // Stakes are taken while the proposal is pending (10 blocks), and refused once its vote opens.
    const before = await Promise.all([5, 6, 7].map((i) => tokenBalance(address(i))))
    await stakeOnVersion(stakerFor, { proposalId: proposed.proposalId, modelId, side: 'for', amount: '100' })
    await stakeOnVersion(stakerFor2, { proposalId: proposed.proposalId, modelId, side: 'for', amount: '300' })
    const last = await stakeOnVersion(stakerAgainst, { proposalId: proposed.proposalId, modelId, side: 'against', amount: '200' })
    expect([last.totalFor, last.totalAgainst]).toEqual([usd('400').toString(), usd('200').toString()])
    await mineBlocks(creator, { blocks: 5 })
    await expect(stakeOnVersion(stakerFor, { proposalId: proposed.proposalId, modelId, side: 'for', amount: '100' })).rejects.toMatchObject({ code: 'PROPOSAL_STATE' })
    // Staking is not voting: the stakers hold no shares and still have no votes.
    await expect(castVote(stakerFor, { proposalId: proposed.proposalId, modelId, support: 'for' })).rejects.toMatchObject({ code: 'NO_VOTING_POWER' })
    await expect(claimStakes(stakerFor)).rejects.toMatchObject({ code: 'NOTHING_STAKED' })

    await castVote(alice, { proposalId: proposed.proposalId, modelId, support: 'for' })
    await castVote(bob, { proposalId: proposed.proposalId, modelId, support: 'for' })
    await mineBlocks(creator, { blocks: 20 })
    await queueProposal(alice, { proposalId: proposed.proposalId, modelId })
    await advanceTime(creator, { seconds: 3601 })
    await executeProposal(alice, { proposalId: proposed.proposalId, modelId })
    const [connection, shares] = await Promise.all([creator.chain(), creator.contract('ModelShares')])
    expect(await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'manifestCid', args: [BigInt(modelId)] })).toBe(V2)

    // Losers' 200 less the default 5% cut (10) = 190 prize, split 100:300 among the "for" side.
    const poolBefore = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'claimable', args: [BigInt(modelId), address(0)] })
    const one = await claimStakes(stakerFor)
    expect(one.claims.map((c) => [c.proposalId, c.outcome, c.amount])).toEqual([[proposed.proposalId, 'promoted', usd('147.5').toString()]])
    const two = await claimStakes(stakerFor2, { modelId })
    expect(two.total).toBe(usd('442.5').toString())
    await expect(claimStakes(stakerAgainst)).rejects.toMatchObject({ code: 'NOTHING_STAKED' })
    const after = await Promise.all([5, 6, 7].map((i) => tokenBalance(address(i))))
    expect(after[0]! - before[0]!).toBe(usd('47.5'))
    expect(after[1]! - before[1]!).toBe(-usd('200'))
    expect(after[2]! - before[2]!).toBe(usd('142.5'))
    // The cut went to the shareholders' fee pool: the creator (400 of 1000 shares at the deposit) earns 40% of 10.
    const poolAfter = await connection.publicClient.readContract({ address: shares.address, abi: shares.abi, functionName: 'claimable', args: [BigInt(modelId), address(0)] })
    expect(poolAfter - poolBefore).toBe(usd('4'))
    const view = await getProposal(stakerFor, { proposalId: proposed.proposalId, modelId })
    expect(view.kind).toBe('version')
    expect(view.round).toMatchObject({ totalFor: usd('400').toString(), totalAgainst: usd('200').toString(), stakers: 3, resolved: { outcome: 1 } })
  })
})
