import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { wrapFetchWithPaymentFromConfig } from '@x402/fetch'
import { ExactEvmScheme } from '@x402/evm/exact/client'
import OpenAI from 'openai'
import { erc20Abi, formatUnits, parseUnits, type Address, type Hash, type Hex, type LocalAccount } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { createModeldao } from '../../context/context.js'
import { findFreePort } from '../../chain/local/ports.js'
import { NODE_MIN_STAKE, protocolArtifacts } from '../../chain/protocol/registry.js'
import { addFile } from '../ipfs/addFile.js'
import { createPayingFetch } from '../../payments/payingFetch.js'
import { formatToken, readToken, type TokenInfo } from '../../shares/market.js'
import { createKeystore } from '../../wallet/store.js'
import { DemoHomeUsedError } from '../../demo/errors.js'
import { demoLedger, type DemoLedger, type DemoMoney } from '../../demo/ledger.js'
import { readChatStream } from '../../client/chatStream.js'
import { advanceTime } from '../chain/advanceTime.js'
import { chainDown } from '../chain/chainDown.js'
import { chainUp } from '../chain/chainUp.js'
import { mineBlocks } from '../chain/mineBlocks.js'
import { openChannel } from '../channel/openChannel.js'
import { castVote } from '../dao/castVote.js'
import { createDao } from '../dao/createDao.js'
import { executeProposal } from '../dao/executeProposal.js'
import { listDatasets } from '../dao/listDatasets.js'
import { propose } from '../dao/propose.js'
import { queueProposal } from '../dao/queueProposal.js'
import { writeDevGguf } from '../dev/writeDevGguf.js'
import { claimFees } from '../fees/claimFees.js'
import { IpfsDaemon } from '../ipfs/startIpfsDaemon.js'
import { publishModel } from '../models/publishModel.js'
import { registerNode } from '../node/registerNode.js'
import { ServingNode } from '../node/startServingNode.js'
import { buyShares } from '../shares/buyShares.js'
import { createOffer } from '../shares/createOffer.js'
import { claimStakes } from '../staking/claimStakes.js'
import { stakeOnVersion } from '../staking/stakeOnVersion.js'
import { fundWallet } from '../wallet/fundWallet.js'
import { registerValidator } from '../verify/registerValidator.js'
import { claimChallengeVotes, settleChallenge } from '../verify/settleChallenge.js'
import { voteOnChallenge } from '../verify/voteOnChallenge.js'
import { advanceToPhaseEnd } from '../verify/advanceToPhaseEnd.js'
import { spotCheck } from '../verify/spotCheck.js'

/** The people of the story; each gets its own encrypted keystore in the demo's home. */
export const DEMO_ROLES = ['creator', 'investor-a', 'investor-b', 'operator', 'client', 'validator', 'operator-2'] as const
export type DemoRole = (typeof DEMO_ROLES)[number]

/** One line of the story: what happened, with the transactions and CIDs that prove it. */
export type DemoStep = {
  step: number
  name: string
  line: string
  seconds: number
  transactions: Hash[]
  cids: string[]
}

export type RunDemoParams = {
  /** Called with each step's line as it completes. */
  onStep?: ((step: DemoStep) => void) | undefined
  /** Awaited before each step (`--step`: wait for Enter). */
  beforeStep?: ((name: string, index: number) => Promise<void>) | undefined
  /** Stops the story between steps; everything started is stopped. */
  signal?: AbortSignal | undefined
  /** Leave the chain, an IPFS daemon and the honest serving node running; the caller stops them with `stop()`. */
  keep?: boolean | undefined
}

export type RunDemoReturnType = {
  home: string
  seconds: number
  modelId: number
  accounts: Record<DemoRole, Address>
  steps: DemoStep[]
  money: Record<keyof DemoMoney, Record<string, string | number>>
  ledger: DemoLedger
  paymentToken: TokenInfo
  /** With `keep`: what is still running, and how to stop it. */
  kept?: { rpcUrl: string; nodeUrl: string; gateway: string | null; passwordFile: string; stop: () => Promise<void> } | undefined
}
/** Any ModeldaoError of the actions it runs; INTERRUPTED when the signal fires. */
export type RunDemoErrorType = Error

const PRICES = { perRequest: 1_000n, perOutputToken: 100n }
// The voting delay leaves room for the quality stakes (two transactions each): staking closes when the vote opens.
const DAO_SETTINGS = { votingDelay: 8, votingPeriod: 20, quorumPercent: 4, superQuorumPercent: 51, timelockDelay: 3600 }
const FUNDING: Record<DemoRole, string> = { creator: '10', 'investor-a': '1000', 'investor-b': '1000', operator: '10', client: '50', validator: '100', 'operator-2': '10' }

/**
 * The whole story on a fresh local chain and IPFS repo in `ctx`'s home: accounts, a generated GGUF published and
 * tokenized, its DAO, a share sale and a resale, a dataset proposal and a version promotion with quality stakes, a
 * paid serving node used by three kinds of clients, settlement and fee claims, then a cheating node caught by a
 * validator's spot checks and slashed. Returns every step and a ledger whose equations hold to the unit.
 * @example const { ledger } = await runDemo(createModeldao({ home: tmp }))
 */
export async function runDemo(ctx: ModeldaoContext, params: RunDemoParams = {}): Promise<RunDemoReturnType> {
  const started = performance.now()
  const steps: DemoStep[] = []
  const contexts: ModeldaoContext[] = []
  const services: { stop: () => Promise<void> }[] = []
  let chainStarted = false
  let kept: RunDemoReturnType['kept']
  const stopAll = async () => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined)
    for (const md of contexts) await md.dispose().catch(() => undefined)
    if (chainStarted) await chainDown(ctx).catch(() => undefined)
  }

  const step = async <T>(name: string, run: () => Promise<{ line: string; transactions?: (Hash | undefined)[]; cids?: string[]; value: T }>): Promise<T> => {
    params.signal?.throwIfAborted()
    await params.beforeStep?.(name, steps.length + 1)
    params.signal?.throwIfAborted()
    const stepStarted = performance.now()
    const done = await run()
    const record: DemoStep = {
      step: steps.length + 1,
      name,
      line: done.line,
      seconds: Number(((performance.now() - stepStarted) / 1000).toFixed(2)),
      transactions: (done.transactions ?? []).filter((h): h is Hash => h !== undefined),
      cids: done.cids ?? [],
    }
    steps.push(record)
    params.onStep?.(record)
    return done.value
  }

  const keystores = await readdir(ctx.home.keystores).catch(() => [] as string[])
  if (keystores.length > 0) throw new DemoHomeUsedError(ctx.home.root, `${keystores.length} keystore(s)`)
  if (await ctx.localChain()) throw new DemoHomeUsedError(ctx.home.root, 'a running local chain')

  try {
    // --- chain and accounts
    const chain = await step('chain', async () => {
      // Any free port: the demo never takes 8545 from an everyday chain.
      const up = await chainUp(ctx, { port: await findFreePort() })
      chainStarted = !up.alreadyRunning
      const count = Object.keys(up.deployments.contracts).length
      return { line: `local chain at ${up.record.rpcUrl} (chain ${up.record.chainId}); protocol deployed: ${count} contracts`, value: up }
    })
    const password = randomBytes(18).toString('base64url')
    const passwordFile = join(ctx.home.root, 'demo', 'password')
    await mkdir(join(ctx.home.root, 'demo'), { recursive: true })
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 })
    await chmod(passwordFile, 0o600)
    const as = (role: DemoRole) => {
      const md = createModeldao({ home: ctx.home.root, account: role, getPassword: async () => password })
      contexts.push(md)
      return md
    }
    const accounts = await step('accounts', async () => {
      const transactions: Hash[] = []
      const found = {} as Record<DemoRole, Address>
      for (const role of DEMO_ROLES) {
        const wallet = await createKeystore({ keystoresFolder: ctx.home.keystores, name: role, password, kdf: 'light' })
        found[role] = wallet.address as Address
        const funded = await fundWallet(ctx, { who: wallet.address, eth: '10', tokens: FUNDING[role] })
        transactions.push(...[funded.eth?.hash, funded.tokens?.hash].filter((h): h is Hash => h !== undefined))
      }
      return {
        line: `${DEMO_ROLES.length} accounts in encrypted keystores (${DEMO_ROLES.join(', ')}), each funded with 10 ETH and test USD`,
        transactions,
        value: found,
      }
    })
    const creator = as('creator')
    const investorA = as('investor-a')
    const investorB = as('investor-b')
    const operator = as('operator')
    const client = as('client')
    const validator = as('validator')
    const operator2 = as('operator-2')
    const [connection, deployments] = await Promise.all([creator.chain(), creator.deployments()])
    const read = connection.publicClient
    const token = await readToken(connection, deployments.paymentToken)
    const balance = (who: Address) => read.readContract({ address: deployments.paymentToken, abi: erc20Abi, functionName: 'balanceOf', args: [who] })
    const shares = await creator.contract('ModelShares')

    // --- weights
    const folder = join(ctx.home.root, 'demo')
    const weights = await step('weights', async () => {
      const v1 = join(folder, 'v1')
      const v2 = join(folder, 'v2')
      await mkdir(v1, { recursive: true })
      await mkdir(v2, { recursive: true })
      const first = await writeDevGguf({ path: join(v1, 'demo-llama.gguf'), preset: 'peaked', seed: 1, type: 'f32' })
      const second = await writeDevGguf({ path: join(v2, 'demo-llama.gguf'), preset: 'peaked', seed: 2, type: 'f32' })
      // The cheat's file: version 2 cut to one layer, cheaper to run, named as the real thing in its receipts.
      const cheap = await writeDevGguf({ path: join(folder, 'cheap-1-layer.gguf'), preset: 'peaked', seed: 2, type: 'f32', layers: 1 })
      return {
        line: `generated GGUFs: v1 and v2 (${first.parameters.toLocaleString('en-US')} parameters, ${first.layers} layers each) and a cheaper 1-layer copy of v2`,
        value: { v1, v2, cheap: cheap.path, layers: second.layers },
      }
    })

    // --- publish and tokenize
    const model = await step('publish', async () => {
      const published = await publishModel(creator, {
        inputs: [weights.v1],
        name: 'demo-llama',
        description: 'A small generated llama-architecture model for the modeldao demo.',
        license: 'apache-2.0',
        datasets: ['modeldao demo stories'],
        terms: { supply: 1000n, royaltyPercent: 5, feeSharePercent: 70, pricePerRequest: formatUnits(PRICES.perRequest, token.decimals) },
      })
      const registered = published.model!
      return {
        line: `published v1 to the local IPFS repo (manifest ${published.manifestCid}) and minted model ${registered.modelId}: 1,000 shares to the creator`,
        transactions: [registered.transactionHash],
        cids: [published.manifestCid],
        value: { modelId: Number(registered.modelId), manifestCid: published.manifestCid },
      }
    })
    const { modelId } = model
    const id = BigInt(modelId)
    await step('dao', async () => {
      const dao = await createDao(creator, { modelId, settings: DAO_SETTINGS })
      return {
        line: `created the model's DAO: governor ${dao.governor}, timelock ${dao.timelock} (now the model's admin); vote ${DAO_SETTINGS.votingPeriod} blocks, super quorum ${DAO_SETTINGS.superQuorumPercent}%`,
        transactions: dao.transactions,
        value: dao,
      }
    })

    // --- share market: a primary sale and a resale that pays the creator's royalty
    const market = await step('shares', async () => {
      const creatorBefore = await balance(accounts.creator)
      const offer = await createOffer(creator, { modelId, amount: 500, price: '1' })
      const a = await buyShares(investorA, { modelId, amount: 300, offeringId: offer.offeringId })
      const b = await buyShares(investorB, { modelId, amount: 200, offeringId: offer.offeringId })
      const received = (await balance(accounts.creator)) - creatorBefore
      return {
        line: `the creator offered 500 shares at 1 ${token.symbol}; investor A bought 300, investor B 200`,
        transactions: [offer.transactionHash, ...a.bought.map((f) => f.transactionHash), ...b.bought.map((f) => f.transactionHash)],
        value: { paid: BigInt(a.totalCost) + BigInt(b.totalCost), received },
      }
    })
    const resale = await step('resale', async () => {
      const [creatorBefore, sellerBefore] = await Promise.all([balance(accounts.creator), balance(accounts['investor-a'])])
      const offer = await createOffer(investorA, { modelId, amount: 100, price: '1.5' })
      const bought = await buyShares(investorB, { modelId, amount: 100, offeringId: offer.offeringId })
      const [creatorAfter, sellerAfter] = await Promise.all([balance(accounts.creator), balance(accounts['investor-a'])])
      return {
        line: `investor A resold 100 shares to investor B at 1.5 ${token.symbol}; the creator's 5% royalty: ${formatToken(creatorAfter - creatorBefore, token)}`,
        transactions: [offer.transactionHash, ...bought.bought.map((f) => f.transactionHash)],
        value: { paid: BigInt(bought.totalCost), received: sellerAfter - sellerBefore, royalty: creatorAfter - creatorBefore },
      }
    })

    // --- a dataset proposal, voted through the whole lifecycle
    const dataset = await step('dataset', async () => {
      const path = join(folder, 'stories.jsonl')
      await writeFile(path, datasetLines(200))
      const imported = await addFile(creator, { path, label: 'dataset: modeldao demo stories' })
      const proposed = await propose(investorA, {
        modelId,
        content: { kind: 'dataset', dataset: { cid: imported.cid, name: 'modeldao demo stories', license: 'CC-BY-4.0', sizeBytes: BigInt(imported.size), descriptionCid: '' } },
        rationale: 'Short, clean, licensed stories: a good first dataset.',
      })
      return {
        line: `published a ${imported.size.toLocaleString('en-US')}-byte dataset to IPFS; investor A proposed including it (proposal ${proposed.proposalId})`,
        transactions: [proposed.transactionHash],
        cids: [imported.cid.toString()],
        value: { proposalId: proposed.proposalId, cid: imported.cid.toString() },
      }
    })
    await step('dataset-vote', async () => {
      await mineBlocks(creator, { blocks: DAO_SETTINGS.votingDelay + 1 })
      const votes = [await castVote(creator, { modelId, proposalId: dataset.proposalId, support: 'for' }), await castVote(investorB, { modelId, proposalId: dataset.proposalId, support: 'for', reason: 'more data, same license' })]
      const queued = await queueProposal(investorA, { modelId, proposalId: dataset.proposalId })
      await advanceTime(creator, { seconds: DAO_SETTINGS.timelockDelay + 1 })
      const executed = await executeProposal(investorA, { modelId, proposalId: dataset.proposalId })
      const { datasets } = await listDatasets(creator, { modelId })
      if (!datasets.some((d) => d.cid === dataset.cid)) throw new Error('The executed dataset proposal did not list the dataset.')
      return {
        line: `creator and investor B voted for (${votes.map((v) => v.weight).join(' + ')} shares: super quorum, passed early); queued, time advanced 1 h, executed: the dataset is included`,
        transactions: [...votes.map((v) => v.transactionHash), queued.transactionHash, executed.transactionHash],
        value: undefined,
      }
    })

    // --- a version promotion with quality stakes on both sides
    const stakeFor = parseUnits('50', token.decimals)
    const stakeAgainst = parseUnits('20', token.decimals)
    const version = await step('version', async () => {
      const published = await publishModel(creator, { inputs: [weights.v2], name: 'demo-llama', description: 'Version 2 of the demo model.', license: 'apache-2.0', datasets: ['modeldao demo stories'], ipfsOnly: true })
      const proposed = await propose(investorB, { modelId, content: { kind: 'version', manifestCid: published.manifestCid }, rationale: 'Trained with the new dataset.' })
      const poolBefore = await poolDeposited()
      const stakerBefore = await Promise.all([balance(accounts['investor-b']), balance(accounts.validator)])
      // Stakes are taken while the proposal is pending; then its vote opens.
      const staked = [
        await stakeOnVersion(investorB, { modelId, proposalId: proposed.proposalId, side: 'for', amount: formatUnits(stakeFor, token.decimals) }),
        await stakeOnVersion(validator, { modelId, proposalId: proposed.proposalId, side: 'against', amount: formatUnits(stakeAgainst, token.decimals) }),
      ]
      await mineBlocks(creator, { blocks: DAO_SETTINGS.votingDelay + 1 })
      return {
        line: `published v2 (manifest ${published.manifestCid}); investor B proposed promoting it (proposal ${proposed.proposalId}) and staked ${formatToken(stakeFor, token)} for, the validator ${formatUnits(stakeAgainst, token.decimals)} against`,
        transactions: [proposed.transactionHash, ...staked.map((s) => s.transactionHash)],
        cids: [published.manifestCid],
        value: { proposalId: proposed.proposalId, manifestCid: published.manifestCid, poolBefore, stakerBefore },
      }
    })
    const stakes = await step('version-vote', async () => {
      const votes = [await castVote(creator, { modelId, proposalId: version.proposalId, support: 'for' }), await castVote(investorA, { modelId, proposalId: version.proposalId, support: 'for' })]
      const queued = await queueProposal(investorB, { modelId, proposalId: version.proposalId })
      await advanceTime(creator, { seconds: DAO_SETTINGS.timelockDelay + 1 })
      const executed = await executeProposal(investorB, { modelId, proposalId: version.proposalId })
      const manifest = await read.readContract({ address: shares.address, abi: shares.abi, functionName: 'manifestCid', args: [id] })
      if (manifest !== version.manifestCid) throw new Error(`The executed version proposal left the manifest at ${manifest}.`)
      const claimed = await claimStakes(investorB, { modelId, proposalId: version.proposalId })
      const after = await Promise.all([balance(accounts['investor-b']), balance(accounts.validator)])
      const paidBack = after[0] - version.stakerBefore[0] + stakeFor + (after[1] - version.stakerBefore[1] + stakeAgainst)
      return {
        line: `creator and investor A voted for; executed: v2 is canonical. Investor B claimed ${formatToken(BigInt(claimed.total), token)} (stake + the validator's, less the holders' 5% cut)`,
        transactions: [...votes.map((v) => v.transactionHash), queued.transactionHash, executed.transactionHash, ...claimed.claims.map((c) => c.transactionHash)],
        value: { staked: stakeFor + stakeAgainst, paidBack, toFeePool: (await poolDeposited()) - version.poolBefore },
      }
    })

    // --- the honest serving node and its paying clients
    const node = await step('serve', async () => {
      const serving = new ServingNode(operator, { model: String(modelId), weights: weights.v2, port: 0, contextSize: 512, maxTokens: 64, payments: { prices: PRICES, exactMaxTokens: 16, settleEveryMs: 0 } })
      services.push(serving)
      const info = await serving.start()
      const { transactions } = await registerNode(operator, { modelId, url: info.url, prices: PRICES, stake: NODE_MIN_STAKE })
      return {
        line: `the operator staked ${formatToken(NODE_MIN_STAKE, token)}, registered and started a paid node at ${info.url} (v2 weights verified against the manifest)`,
        transactions,
        value: { serving, info },
      }
    })
    const clientAccount = (await client.signer()) as LocalAccount
    const requests = await step('requests', async () => {
      const spentBefore = await balance(accounts.client)
      const poolBefore = await poolDeposited()
      const channel = await openChannel(client, { operator: accounts.operator, amount: parseUnits('5', token.decimals) })
      const body = (content: string) => JSON.stringify({ model: String(modelId), messages: [{ role: 'user', content }], max_tokens: 12, temperature: 0, stream: true })
      const costs: bigint[] = []
      const take = (usage: Record<string, unknown> | undefined) => {
        if (usage?.cost === undefined) throw new Error('A paid response carried no cost in its usage.')
        costs.push(BigInt(String(usage.cost)))
      }
      // 1. modeldao's own client: the paying fetch (channel vouchers), reading the stream by hand.
      const paying = createPayingFetch({ account: clientAccount, channelFor: () => channel.channelId })
      for (const prompt of ['Tell me a story', 'What are weights?']) {
        const response = await paying(`${node.info.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(prompt) })
        if (response.status !== 200) throw new Error(`The node answered ${response.status} to a paid request: ${await response.text()}`)
        take((await readChatStream(response)).usage)
      }
      // 2. the official openai client with the paying fetch.
      const openai = new OpenAI({ baseURL: `${node.info.url}/v1`, apiKey: 'unused', fetch: paying })
      for (const prompt of ['Once upon a time', 'Count to five']) {
        const stream = await openai.chat.completions.create({ model: String(modelId), messages: [{ role: 'user', content: prompt }], max_tokens: 12, temperature: 0, stream: true })
        let usage: Record<string, unknown> | undefined
        for await (const chunk of stream) if (chunk.usage) usage = chunk.usage as unknown as Record<string, unknown>
        take(usage)
      }
      // 3. a stock x402 client: @x402/fetch with the exact EVM scheme, no modeldao code.
      const x402 = wrapFetchWithPaymentFromConfig(fetch, { schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(clientAccount) }], spendControls: false })
      for (const prompt of ['Hello there', 'Why pay per request?']) {
        const response = await x402(`${node.info.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(prompt) })
        if (response.status !== 200) throw new Error(`The node answered ${response.status} to a stock x402 client: ${await response.text()}`)
        take((await readChatStream(response)).usage)
      }
      const total = costs.reduce((a, b) => a + b, 0n)
      return {
        line: `the client made ${costs.length} paid streaming requests (2 with modeldao's paying fetch, 2 with the openai client, 2 with a stock x402 client) for ${formatToken(total, token)}`,
        transactions: channel.transactions,
        value: { costs: total, count: costs.length, channelId: channel.channelId, spentBefore, poolBefore },
      }
    })
    const served = await step('settle', async () => {
      const settled = await node.serving.settle()
      const channels = await operator.contract('PaymentChannels')
      const receiver = node.info.payments!.exactReceiver as Address
      const [channelEarnings, exactEarnings, clientAfter, channelState, poolAfter] = await Promise.all([
        read.readContract({ address: channels.address, abi: channels.abi, functionName: 'earnings', args: [accounts.operator] }),
        read.readContract({ address: receiver, abi: protocolArtifacts.ExactReceiver.abi, functionName: 'earnings' }),
        balance(accounts.client),
        read.readContract({ address: channels.address, abi: channels.abi, functionName: 'channel', args: [requests.channelId] }),
        poolDeposited(),
      ])
      const operatorIncome = channelEarnings + exactEarnings
      return {
        line: `the node settled ${settled?.vouchers ?? 0} voucher(s) on chain (${formatToken(settled?.claimed ?? 0n, token)}; exact payments settled as served): operator's income ${formatToken(operatorIncome, token)}, holders' fees ${formatToken(poolAfter - requests.poolBefore, token)}`,
        transactions: settled?.transactions ?? [],
        value: { operatorIncome, toFeePool: poolAfter - requests.poolBefore, clientsSpent: requests.spentBefore - clientAfter - channelState[4] },
      }
    })
    await step('claim', async () => {
      const claims = []
      for (const [role, md] of [['creator', creator], ['investor A', investorA], ['investor B', investorB]] as const) claims.push({ role, ...(await claimFees(md, { modelIds: [modelId] })) })
      return {
        line: `every holder claimed its fees: ${claims.map((c) => `${c.role} ${formatUnits(BigInt(c.total), token.decimals)}`).join(', ')} ${token.symbol}`,
        transactions: claims.map((c) => c.transactionHash),
        value: undefined,
      }
    })

    // --- a node that serves cheaper weights than it claims, caught and slashed
    const cheat = await step('cheat', async () => {
      // Investor A guards its investment as a registered validator, with enough stake that validators decide the first
      // round (below the economic stake, the model's DAO would): it will vote on challenges filed from now on.
      const guard = await registerValidator(investorA, { stake: '50' })
      const serving = new ServingNode(operator2, { model: String(modelId), weights: weights.v2, devSubstituteWeights: weights.cheap, port: 0, contextSize: 512, maxTokens: 64, payments: { prices: PRICES, settleEveryMs: 0 } })
      services.push(serving)
      const info = await serving.start()
      const { transactions } = await registerNode(operator2, { modelId, url: info.url, prices: PRICES, stake: NODE_MIN_STAKE })
      return {
        line: `operator 2 registered a node at ${info.url} that names the v2 weights but secretly runs the 1-layer copy; investor A registered as a validator`,
        transactions: [guard.transactionHash, ...transactions],
        value: { serving, info },
      }
    })
    const caught = await step('spot-check', async () => {
      const channel = await openChannel(validator, { operator: accounts['operator-2'], amount: parseUnits('1', token.decimals) })
      // The probes go through the client's own code and the channel just recorded, like any client's requests.
      const shapes = ['Tell me a story', 'What are weights?', 'Hello there'].map((prompt, i) => ({ prompt, temperature: i === 2 ? undefined : 0, maxTokens: 16, pay: 'channel' as const }))
      const checked = await spotCheck(validator, { url: cheat.info.url, modelId, probes: shapes.length, shapes, jitterMs: 0, challenge: true })
      if (!checked.challenge) throw new Error(`The spot checks found ${checked.mismatches} mismatch(es) and filed no challenge.`)
      return {
        line: `the validator paid ${checked.probes.length} probe requests like any client, replayed the signed receipts on the registered weights: ${checked.mismatches} of ${checked.probes.length} mismatch; challenge ${checked.challenge.challengeId.slice(0, 18)}… filed with a ${formatToken(BigInt(checked.challenge.bond), token)} bond`,
        transactions: [...channel.transactions, checked.challenge.transactionHash],
        value: { ...checked.challenge, probes: { count: checked.probes.length, costs: checked.probes.reduce((sum, p) => sum + BigInt(p.cost), 0n) } },
      }
    })
    const slash = await step('slash', async () => {
      const registry = await creator.contract('NodeRegistry')
      const stakeOf = () => read.readContract({ address: registry.address, abi: registry.abi, functionName: 'stakeOf', args: [id, accounts['operator-2']] })
      const challenges = await creator.contract('ReceiptChallenges')
      const burnAddress = await read.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'BURN' })
      const burnBalance = () => balance(burnAddress)
      const [stakeBefore, poolBefore, burnBefore] = await Promise.all([stakeOf(), poolDeposited(), burnBalance()])
      // Votes open at filing: investor A commits its verdict hidden, reveals it in the reveal phase; nobody appeals.
      const committed = await voteOnChallenge(investorA, { challengeId: caught.challengeId, cheat: true })
      await advanceToPhaseEnd(creator, caught.challengeId)
      const revealed = await voteOnChallenge(investorA, { challengeId: caught.challengeId })
      await advanceToPhaseEnd(creator, caught.challengeId) // the reveal phase
      await advanceToPhaseEnd(creator, caught.challengeId) // the appeal window
      const voted = await settleChallenge(investorA, { challengeId: caught.challengeId })
      if (voted.challenge.status !== 'upheld' || !voted.resolution) throw new Error(`The challenge ended ${voted.challenge.status}, not upheld.`)
      const claimed = await claimChallengeVotes(investorA, { challengeId: caught.challengeId })
      const escrowBack = claimed.claims.reduce((sum, c) => sum + BigInt(c.paid), 0n)
      if (escrowBack !== BigInt(committed.risk)) throw new Error(`Investor A's vote claimed ${escrowBack}, not the ${committed.risk} it escrowed.`)
      const [stakeAfter, poolAfter, burnAfter] = await Promise.all([stakeOf(), poolDeposited(), burnBalance()])
      if (poolAfter !== poolBefore) throw new Error('The slash reached the holders\' fee pool.')
      // The cheat's node stops, and like any node settles the probes it was paid for: the fees still reach the holders.
      await cheat.serving.stop()
      const channels = await creator.contract('PaymentChannels')
      const [poolAfterStop, cheatIncome] = await Promise.all([poolDeposited(), read.readContract({ address: channels.address, abi: channels.abi, functionName: 'earnings', args: [accounts['operator-2']] })])
      return {
        line: `investor A committed "cheat" with its ${formatToken(BigInt(committed.weight), token)} stake (${formatUnits(BigInt(committed.risk), token.decimals)} escrowed), revealed it a day later; the operator did not answer, nobody appealed: upheld, investor A's escrow paid back, operator 2's stake of ${formatToken(stakeBefore - stakeAfter, token)} slashed (${formatUnits(BigInt(voted.resolution.toChallenger) - BigInt(caught.bond), token.decimals)} to the challenger, ${formatUnits(BigInt(voted.resolution.toPayer), token.decimals)} to the payer it cheated, ${formatUnits(burnAfter - burnBefore, token.decimals)} burned: none to those who decide); its node stopped and settled the ${caught.probes.count} probes it was paid ${formatToken(caught.probes.costs, token)} for`,
        transactions: [committed.transactionHash, revealed.transactionHash, voted.transactionHash, ...claimed.claims.map((c) => c.transactionHash)],
        value: {
          slash: { slashed: stakeBefore - stakeAfter, bond: BigInt(caught.bond), toChallenger: BigInt(voted.resolution.toChallenger), toPayer: BigInt(voted.resolution.toPayer), burned: burnAfter - burnBefore },
          probes: { ...caught.probes, operatorIncome: cheatIncome, toFeePool: poolAfterStop - poolAfter },
        },
      }
    })

    // --- the money, measured on chain
    const holders = [accounts.creator, accounts['investor-a'], accounts['investor-b'], (await creator.contract('ShareOffering')).address]
    const [deposited, claimed, claimable] = await Promise.all([
      poolDeposited(),
      sum(holders.map((who) => read.readContract({ address: shares.address, abi: shares.abi, functionName: 'claimed', args: [id, who] }))),
      sum(holders.map((who) => read.readContract({ address: shares.address, abi: shares.abi, functionName: 'claimable', args: [id, who] }))),
    ])
    const money: DemoMoney = {
      shares: { paidByBuyers: market.paid + resale.paid, receivedBySellers: market.received + resale.received, royalties: resale.royalty },
      stakes,
      requests: { count: requests.count, costs: requests.costs, clientsSpent: served.clientsSpent, operatorIncome: served.operatorIncome, toFeePool: served.toFeePool },
      probes: slash.probes,
      slash: slash.slash,
      feePool: { deposited, claimed, claimable, holders: holders.length },
    }
    const ledger = demoLedger(money)
    if (params.keep) {
      const daemon = new IpfsDaemon(creator, { listen: ['/ip4/127.0.0.1/tcp/0'], gateway: { host: '127.0.0.1', port: 0 } })
      services.push(daemon)
      const ipfs = await daemon.start()
      kept = { rpcUrl: chain.record.rpcUrl, nodeUrl: node.info.url, gateway: ipfs.gateway, passwordFile, stop: stopAll }
    } else {
      await stopAll()
    }
    return {
      home: ctx.home.root,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      modelId,
      accounts,
      steps,
      money: stringify(money),
      ledger,
      paymentToken: token,
      kept,
    }

    async function poolDeposited(): Promise<bigint> {
      const [total] = await read.readContract({ address: shares.address, abi: shares.abi, functionName: 'feePool', args: [id] })
      return total
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

const sum = async (values: Promise<bigint>[]) => (await Promise.all(values)).reduce((a, b) => a + b, 0n)

function stringify(money: DemoMoney): RunDemoReturnType['money'] {
  return Object.fromEntries(
    Object.entries(money).map(([section, figures]) => [section, Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]))]),
  ) as RunDemoReturnType['money']
}

/** A small, deterministic "stories" dataset: JSON lines of text. */
function datasetLines(count: number): string {
  const subjects = ['a fox', 'the river', 'an old clock', 'a small robot', 'the lighthouse', 'a lost key']
  const verbs = ['found', 'watched', 'followed', 'remembered', 'mended', 'painted']
  const objects = ['the morning', 'a quiet song', 'the last train', 'a paper boat', 'the north star', 'a warm loaf']
  const lines: string[] = []
  for (let i = 0; i < count; i++) lines.push(JSON.stringify({ id: i, text: `Once, ${subjects[i % 6]} ${verbs[(i * 5) % 6]} ${objects[(i * 7) % 6]}.` }))
  return `${lines.join('\n')}\n`
}
