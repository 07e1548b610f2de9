// The local index against a real anvil: synced step by step it equals a fresh rebuild, also after a reorg of the
// last blocks (evm_snapshot / evm_revert, then other transactions) and after the chain is reset.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainDown } from '../../../src/core/actions/chain/chainDown.js'
import { chainUp } from '../../../src/core/actions/chain/chainUp.js'
import { writeProtocol } from '../../../src/core/actions/chain/writeProtocol.js'
import { syncIndex } from '../../../src/core/actions/index/syncIndex.js'
import { registerModel } from '../../../src/core/actions/models/registerModel.js'
import { buyShares } from '../../../src/core/actions/shares/buyShares.js'
import { createOffer } from '../../../src/core/actions/shares/createOffer.js'
import { transferShares } from '../../../src/core/actions/shares/transferShares.js'
import { mintTestTokens } from '../../../src/core/actions/token/mintTestTokens.js'
import { devAccount } from '../../../src/core/chain/local/devAccounts.js'
import { findFreePort } from '../../../src/core/chain/local/ports.js'
import { testClientFor } from '../../../src/core/chain/rpc/connection.js'
import { createModeldao, type ModeldaoContext } from '../../../src/core/context/context.js'
import { ChainIndex } from '../../../src/core/index/chainIndex.js'
import { indexContents } from '../../../src/core/index/queries.js'
import { devContexts } from '../../helpers/contexts.js'
import { tempHome } from '../../helpers/tempHome.js'

const terms = { supply: 500n, royaltyBps: 250n, feeShareBps: 2000, pricePerRequest: 1000n, paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 }

describe('chain index: incremental sync equals a rebuild (real anvil)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let scratch: string
  const { as, disposeAll } = devContexts(() => home.root)
  let creator: ModeldaoContext, investor: ModeldaoContext, other: ModeldaoContext

  /** A fresh index of the same chain in another folder, synced from the first block. */
  const rebuilt = async (md: ModeldaoContext) => {
    const index = await md.index()
    const fresh = ChainIndex.open(await mkdtemp(join(scratch, 'fresh-')), index.identity)
    try {
      await fresh.sync(await md.chain())
      return indexContents(fresh)
    } finally {
      fresh.close()
    }
  }
  const contents = async (md: ModeldaoContext) => indexContents(await md.index())

  beforeAll(async () => {
    home = await tempHome()
    scratch = await mkdtemp(join(tmpdir(), 'modeldao-index-'))
    await chainUp(createModeldao({ home: home.root }), { port: await findFreePort() })
    ;[creator, investor, other] = [as(0), as(1), as(2)]
    for (const md of [investor, other]) await mintTestTokens(md, { amount: '2000' })
  })
  afterAll(async () => {
    await disposeAll()
    await chainDown(createModeldao({ home: home.root }))
    await home.cleanup()
    await rm(scratch, { recursive: true, force: true })
  })

  it('applies each step incrementally and ends equal to a rebuild', async () => {
    const { modelId } = await registerModel(creator, { manifestCid: 'bafkreiindexmodelone', terms })
    expect((await syncIndex(creator)).events).toBeGreaterThan(0)
    await createOffer(creator, { modelId, amount: 200, price: '1' })
    await syncIndex(creator)
    await buyShares(investor, { modelId, amount: 120 })
    await syncIndex(creator)
    await transferShares(investor, { modelId, to: devAccount(2, 31337).address, amount: 20 })
    const again = await syncIndex(creator)
    expect(again.rebuilt).toBeUndefined()
    expect(await syncIndex(creator)).toMatchObject({ events: 0 })
    expect(await contents(creator)).toEqual(await rebuilt(creator))
  })

  it('rolls back a reorg of the last blocks (events, balances, offers and parameter changes) and reads the new ones', async () => {
    const connection = await creator.chain()
    const test = testClientFor(connection)
    await syncIndex(creator)
    const before = await contents(creator)
    const snapshot = await test.snapshot()

    // The branch that will be dropped: a buy, a transfer, a fee-share change, a new manifest, a new model.
    await buyShares(other, { modelId: 1, amount: 30 })
    await transferShares(investor, { modelId: 1, to: devAccount(3, 31337).address, amount: 50 })
    await writeProtocol(creator, { contract: 'ModelShares', functionName: 'scheduleFeeShare', args: [1n, 3000] })
    await writeProtocol(creator, { contract: 'ModelShares', functionName: 'setManifest', args: [1n, 'bafkreidroppedmanifest'] })
    await registerModel(other, { manifestCid: 'bafkreidroppedbranch', terms })
    await syncIndex(creator)
    expect((await contents(creator)).models).toHaveLength(2)

    // Back to the snapshot with nothing mined: every event above it is undone exactly.
    await test.revert({ id: snapshot })
    const shallow = await syncIndex(creator)
    expect(shallow.rolledBack?.events).toBeGreaterThan(0)
    expect(await contents(creator)).toEqual(before)

    // Another branch at the same heights: rolled back again, then its own events read.
    const second = await test.snapshot()
    await registerModel(other, { manifestCid: 'bafkreisecondbranch', terms })
    await syncIndex(creator)
    await test.revert({ id: second })
    // Writes that do not sync the index themselves (a buy would): the next sync meets the other branch.
    await transferShares(investor, { modelId: 1, to: devAccount(3, 31337).address, amount: 10 })
    await writeProtocol(creator, { contract: 'ModelShares', functionName: 'scheduleFeeShare', args: [1n, 2500] })
    const reorged = await syncIndex(creator)
    expect(reorged.rolledBack).toBeDefined()
    expect(reorged.rebuilt).toBeUndefined()
    const after = await contents(creator)
    expect(after.models).toEqual([expect.objectContaining({ id: 1, fee_share_bps: 2000, next_fee_share_bps: 2500, admin: devAccount(0, 31337).address.toLowerCase() })])
    expect(after).toEqual(await rebuilt(creator))
  })

  it('detects a reset chain by its genesis block and rebuilds instead of mixing chains', async () => {
    await syncIndex(creator)
    const genesis = Number((await (await creator.chain()).publicClient.getBlock({ blockNumber: 0n })).timestamp)
    await disposeAll()
    await chainDown(createModeldao({ home: home.root }))
    // anvil stamps its genesis block with the start second: a chain reset within the same second would be the same
    // chain, block for block (and rolled back as a reorg, which is right). Make it another chain: start it in a later
    // second than the old genesis.
    await expect.poll(() => Math.floor(Date.now() / 1000), { timeout: 5_000, interval: 20 }).toBeGreaterThan(genesis)
    await chainUp(createModeldao({ home: home.root }), { port: await findFreePort(), reset: true })
    const fresh = as(0)
    const { modelId } = await registerModel(fresh, { manifestCid: 'bafkreiafterreset', terms })
    const sync = await syncIndex(fresh)
    expect(sync.rebuilt).toMatch(/genesis/)
    const after = await contents(fresh)
    expect(after.models).toEqual([expect.objectContaining({ id: Number(modelId), manifest_cid: 'bafkreiafterreset' })])
    expect(after).toEqual(await rebuilt(fresh))
  })
})
