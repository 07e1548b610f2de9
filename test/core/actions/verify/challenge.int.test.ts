// A receipt challenge from TypeScript on a real anvil: the operator's signed receipt (the digest ReceiptChallenges
// checks) and the voucher that paid it go on chain with a bond; an altered receipt is refused; a validator commits its
// vote (the salt kept in its home), reveals it, the unappealed verdict is resolved and the operator's stake slashed,
// part to the challenger, part to the payer, the rest burned; the validator claims its escrow back.
import { erc20Abi, parseUnits, type Address, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advanceTime } from '../../../../src/core/actions/chain/advanceTime.js'
import { writeProtocol } from '../../../../src/core/actions/chain/writeProtocol.js'
import { openChannel } from '../../../../src/core/actions/channel/openChannel.js'
import { registerModel } from '../../../../src/core/actions/models/registerModel.js'
import { mintTestTokens } from '../../../../src/core/actions/token/mintTestTokens.js'
import { fileChallenge } from '../../../../src/core/actions/verify/fileChallenge.js'
import { registerValidator } from '../../../../src/core/actions/verify/registerValidator.js'
import { claimChallengeVotes, settleChallenge } from '../../../../src/core/actions/verify/settleChallenge.js'
import { voteOnChallenge } from '../../../../src/core/actions/verify/voteOnChallenge.js'
import { advanceToPhaseEnd } from '../../../../src/core/actions/verify/advanceToPhaseEnd.js'
import { NODE_MIN_STAKE } from '../../../../src/core/chain/protocol/registry.js'
import type { ModeldaoContext } from '../../../../src/core/context/context.js'
import { signReceipt } from '../../../../src/core/receipts/signing.js'
import type { ReceiptDraft } from '../../../../src/core/receipts/draft.js'
import { ensureAllowance } from '../../../../src/core/shares/approvals.js'
import { readToken } from '../../../../src/core/shares/market.js'
import { receiptCommitment } from '../../../../src/core/receipts/codec.js'
import type { SignedReceipt } from '../../../../src/core/receipts/signedReceipt.js'
import { devContexts } from '../../../helpers/contexts.js'
import { chainHome, type ChainHome } from '../../../helpers/chainHome.js'
import { runCli } from '../../../helpers/cli.js'
import { readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

describe('receipt challenges (real anvil)', () => {
  let chain: ChainHome
  const { as, disposeAll } = devContexts(() => chain.root)
  let creator: ModeldaoContext, operator: ModeldaoContext, challenger: ModeldaoContext, validator: ModeldaoContext
  let modelId: bigint
  let evidence: SignedReceipt

  const balance = async (who: Address) => {
    const [connection, deployments] = await Promise.all([creator.chain(), creator.deployments()])
    return connection.publicClient.readContract({ address: deployments.paymentToken, abi: erc20Abi, functionName: 'balanceOf', args: [who] })
  }

  beforeAll(async () => {
    chain = await chainHome()
    ;[creator, operator, challenger, validator] = [as(0), as(2), as(3), as(4)] as [ModeldaoContext, ModeldaoContext, ModeldaoContext, ModeldaoContext]
    const registered = await registerModel(creator, {
      manifestCid: 'bafkreichallengedmodel',
      terms: { supply: 1000n, royaltyBps: 0n, feeShareBps: 3000, pricePerRequest: parseUnits('0.01', 6), paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 },
    })
    modelId = BigInt(registered.modelId)
    for (const md of [operator, challenger, validator]) await mintTestTokens(md, { amount: '100' })
    // The operator stakes for the model in NodeRegistry.
    const [connection, registry, deployments, operatorAccount] = await Promise.all([operator.chain(), operator.contract('NodeRegistry'), operator.deployments(), operator.signer()])
    await ensureAllowance(connection, operatorAccount, { token: await readToken(connection, deployments.paymentToken), spender: registry.address, amount: NODE_MIN_STAKE })
    await writeProtocol(operator, { contract: 'NodeRegistry', functionName: 'register', args: [modelId, 'http://127.0.0.1:1', { perRequest: 1000n, perOutputToken: 10n }, NODE_MIN_STAKE] })
    // 50 of stake: above the 40 with which validators decide a first round (below it, the model's DAO would).
    await registerValidator(validator, { stake: '50' })
    // A validator votes only on challenges filed after it registered (a later second).
    await advanceTime(creator, { seconds: 2 })

    // A paid request: the challenger's channel to the operator, a voucher, and the operator's signed receipt.
    const channel = await openChannel(challenger, { operator: operatorAccount.address, amount: parseUnits('5', 6) })
    const draft: ReceiptDraft = {
      id: 'c'.repeat(24),
      createdAt: new Date().toISOString(),
      modelId: modelId.toString(),
      manifestCid: 'bafkreichallengedmodel',
      weightsCid: 'bafkreiregisteredweights',
      endpoint: 'completion',
      requestHash: `0x${'12'.repeat(32)}`,
      textHash: '34'.repeat(32),
      promptHash: 'ab'.repeat(32),
      promptTokens: 4,
      promptTokenIds: [1, 300, 301, 302],
      sampling: { temperature: 0, topP: 1, topK: 40, seed: 1, maxTokens: 3, stop: [] },
      outputTokens: [310, 311, 312],
      logprobs: [-0.1, -0.2, -0.3],
      logitGaps: [0, 0, 0],
      finishReason: 'length',
      engine: { backend: 'cpu', parallel: 1, threads: 1, contextSize: 256 },
    }
    const voucher = { channelId: channel.channelId, modelId, cumulativeAmount: 1030n, feeShareBps: 3000 }
    const channels = await operator.contract('PaymentChannels')
    const payment = (await connection.publicClient.readContract({ address: channels.address, abi: channels.abi, functionName: 'hashVoucher', args: [voucher] })) as Hex
    const signature = await signReceipt(operatorAccount, { chainId: 31337, verifyingContract: channels.address }, { ...receiptCommitment(draft), payment, cost: 1030n })
    evidence = { draft, operator: operatorAccount.address, signature, cost: '1030', voucher: { ...voucher, modelId: modelId.toString(), cumulativeAmount: '1030' } }
  })
  afterAll(async () => {
    await disposeAll()
    await chain?.stop()
  })

  it('refuses a receipt altered after signing, takes the real one, and a validator vote slashes the operator', async () => {
    // Altered after signing: one served token changed. The signature no longer recovers to the operator.
    await expect(fileChallenge(challenger, { evidence: { ...evidence, draft: { ...evidence.draft, outputTokens: [310, 311, 999] } } })).rejects.toMatchObject({
      code: 'REVERT_RECEIPT_CHALLENGES_INVALID_SIGNATURE',
    })
    await expect(fileChallenge(challenger, { evidence: { ...evidence, cost: '1' } })).rejects.toMatchObject({ code: 'REVERT_RECEIPT_CHALLENGES_INVALID_SIGNATURE' })

    const challengerAddress = (await challenger.signer()).address
    const challengerBefore = await balance(challengerAddress)
    const filed = await fileChallenge(challenger, { evidence, evidenceRef: 'bafkreievidence' })
    expect(filed).toMatchObject({ operator: evidence.operator, modelId: modelId.toString(), bond: '1000000' })
    await expect(fileChallenge(challenger, { evidence })).rejects.toMatchObject({ code: 'REVERT_RECEIPT_CHALLENGES_ALREADY_CHALLENGED' })

    // Votes open at filing: a commit needs the verdict, and is kept hidden under a salt saved in the validator's home.
    const challengeId = filed.challengeId
    await expect(voteOnChallenge(validator, { challengeId })).rejects.toMatchObject({ code: 'BALLOT_VERDICT_REQUIRED' })
    const committed = await voteOnChallenge(validator, { challengeId, cheat: true })
    expect(committed).toMatchObject({ action: 'committed', round: 0, cheat: true, weight: '50000000', risk: '5000000' })
    expect(committed.challenge).toMatchObject({ phase: 'commit', rounds: [{ snapshot: '50000000', quorum: '25000000', cheat: '0' }] })
    const ballots = await readdir(join(validator.home.validator, 'ballots'))
    expect(ballots).toHaveLength(1)
    expect((await stat(join(validator.home.validator, 'ballots', ballots[0]!))).mode & 0o777).toBe(0o600)
    // A second commit would need a second salt: refused before anything is overwritten or sent.
    await expect(voteOnChallenge(validator, { challengeId, cheat: false })).rejects.toMatchObject({ code: 'BALLOT_ALREADY_COMMITTED' })
    await advanceToPhaseEnd(creator, challengeId)
    await expect(voteOnChallenge(validator, { challengeId, cheat: false })).rejects.toMatchObject({ code: 'BALLOT_VERDICT_CHANGED' })
    const revealed = await voteOnChallenge(validator, { challengeId })
    expect(revealed).toMatchObject({ action: 'revealed', cheat: true, challenge: { phase: 'reveal', verdict: 'cheat', rounds: [{ cheat: '50000000', quorumReached: true }] } })
    await advanceToPhaseEnd(creator, challengeId)
    // The appeal window: not resolvable yet; only the operator may appeal a cheat verdict.
    await expect(settleChallenge(validator, { challengeId })).rejects.toMatchObject({ code: 'REVERT_RECEIPT_CHALLENGES_WRONG_PHASE' })
    await advanceToPhaseEnd(creator, challengeId)
    const settled = await settleChallenge(validator, { challengeId })
    expect(settled).toMatchObject({ challenge: { status: 'upheld', verdict: 'cheat' }, resolution: { slashed: NODE_MIN_STAKE.toString(), toChallenger: '1250000', toPayer: '1030', burned: '748970' } }) // 25% of the slash plus the bond back; the payer gets back the 1030 it paid (half the slash at most); the rest burned
    // The vote was on the outcome: its escrow comes back into its stake, once.
    expect((await claimChallengeVotes(validator, { challengeId })).claims).toMatchObject([{ round: 0, paid: '5000000', toStake: true }])
    expect((await claimChallengeVotes(validator, { challengeId })).claims).toEqual([])

    const [connection, registry, challenges] = await Promise.all([creator.chain(), creator.contract('NodeRegistry'), creator.contract('ReceiptChallenges')])
    expect(await connection.publicClient.readContract({ address: registry.address, abi: registry.abi, functionName: 'stakeOf', args: [modelId, evidence.operator] })).toBe(0n)
    // The challenger paid through the channel too: its share, its bond and what it paid wait as credits (pull payment).
    expect(await connection.publicClient.readContract({ address: challenges.address, abi: challenges.abi, functionName: 'credits', args: [challengerAddress] })).toBe(1_251_030n)
    await writeProtocol(challenger, { contract: 'ReceiptChallenges', functionName: 'withdraw', args: [] })
    expect(await balance(challengerAddress)).toBe(challengerBefore + 251_030n)
  })

  it('from the CLI: verify challenge files it, validator vote upholds it', async () => {
    // The operator stakes again; a second paid request's receipt is challenged through the CLI.
    const [connection, registry, deployments, operatorAccount, channels] = await Promise.all([operator.chain(), operator.contract('NodeRegistry'), operator.deployments(), operator.signer(), operator.contract('PaymentChannels')])
    await ensureAllowance(connection, operatorAccount, { token: await readToken(connection, deployments.paymentToken), spender: registry.address, amount: NODE_MIN_STAKE })
    await writeProtocol(operator, { contract: 'NodeRegistry', functionName: 'register', args: [modelId, 'http://127.0.0.1:1', { perRequest: 1000n, perOutputToken: 10n }, NODE_MIN_STAKE] })
    const draft = { ...evidence.draft, id: 'd'.repeat(24), outputTokens: [320, 321, 322] }
    const voucher = { channelId: evidence.voucher.channelId, modelId, cumulativeAmount: 2060n, feeShareBps: 3000 }
    const payment = (await connection.publicClient.readContract({ address: channels.address, abi: channels.abi, functionName: 'hashVoucher', args: [voucher] })) as Hex
    const signature = await signReceipt(operatorAccount, { chainId: 31337, verifyingContract: channels.address }, { ...receiptCommitment(draft), payment, cost: 1030n })
    const file = join(chain.root, 'signed-receipt.json')
    await writeFile(file, JSON.stringify({ draft, operator: operatorAccount.address, signature, cost: '1030', voucher: { ...voucher, modelId: modelId.toString(), cumulativeAmount: '2060' } }))

    // This model's manifest names no fetchable weights: verify challenge cannot replay first, and says so.
    const unreplayed = await runCli(['verify', 'challenge', file, '--evidence', 'bafkreievidence2', '--dev-account', '3', '--json'], { home: chain.root })
    expect(unreplayed.json.error.code, unreplayed.stdout + unreplayed.stderr).toBe('CHALLENGE_UNREPLAYED')
    const filed = await runCli(['verify', 'challenge', file, '--evidence', 'bafkreievidence2', '--force', '--yes', '--dev-account', '3', '--json'], { home: chain.root })
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    expect(filed.json.result.replay.verdict).toBe('not replayed')
    expect(filed.json.result).toMatchObject({ operator: operatorAccount.address, bond: '1000000' })
    const id = filed.json.result.challengeId as string
    const noVerdict = await runCli(['validator', 'vote', id, '--dev-account', '4', '--json'], { home: chain.root })
    expect(noVerdict.code).toBe(2)
    expect(noVerdict.json.error.code).toBe('BALLOT_VERDICT_REQUIRED')
    const committed = await runCli(['validator', 'vote', id, 'cheat', '--dev-account', '4'], { home: chain.root })
    expect(committed.code, committed.stdout + committed.stderr).toBe(0)
    expect(committed.stdout).toMatch(/Committed "cheat" in round 0 with a weight of 50(\.0+)? \w+; 5(\.0+)? \w+ escrowed/)
    // validator status: the open dispute, its phase and deadline, the vote committed, and the rule in numbers.
    const status = await runCli(['validator', 'status', '--dev-account', '4', '--json'], { home: chain.root })
    expect(status.code, status.stdout + status.stderr).toBe(0)
    expect(status.json.result.challenges).toMatchObject([{ challengeId: id, phase: 'commit', role: 'validator', ballots: [{ round: 0, revealed: false }] }])
    expect(status.json.result.rule[0]).toMatchObject({ round: 0, moves: '2000000', economicStake: '40000000', decidedBy: 'validators' })
    const human = await runCli(['validator', 'status', '--dev-account', '4'], { home: chain.root })
    expect(human.stdout).toMatch(/round 0: moves up to 2(\.0+)? \w+; validators decide/)
    expect(human.stdout).toContain('committed')
    // Only the operator answers.
    expect((await runCli(['node', 'answer', id, '--answer', 'bafkreimyreplay', '--dev-account', '3', '--json'], { home: chain.root })).code).toBe(3)
    const answered = await runCli(['node', 'answer', id, '--answer', 'bafkreimyreplay', '--dev-account', '2', '--json'], { home: chain.root })
    expect(answered.code, answered.stdout + answered.stderr).toBe(0)
    await advanceToPhaseEnd(creator, id as Hex)
    const revealed = await runCli(['validator', 'vote', id, '--dev-account', '4', '--json'], { home: chain.root })
    expect(revealed.code, revealed.stdout + revealed.stderr).toBe(0)
    expect(revealed.json.result).toMatchObject({ action: 'revealed', cheat: true })
    await advanceToPhaseEnd(creator, id as Hex)
    // In the appeal window only the operator may appeal the cheat verdict.
    const wrongSide = await runCli(['verify', 'appeal', id, '--dev-account', '3', '--json'], { home: chain.root })
    expect(wrongSide.json.error.code).toBe('REVERT_RECEIPT_CHALLENGES_NOT_APPELLANT')
    await advanceToPhaseEnd(creator, id as Hex)
    const resolved = await runCli(['validator', 'resolve', id, '--dev-account', '5', '--json'], { home: chain.root })
    expect(resolved.code, resolved.stdout + resolved.stderr).toBe(0)
    expect(resolved.json.result).toMatchObject({ challenge: { status: 'upheld' }, resolution: { slashed: NODE_MIN_STAKE.toString() } })
    const claimed = await runCli(['validator', 'claim', id, '--dev-account', '4', '--json'], { home: chain.root })
    expect(claimed.json.result.claims).toMatchObject([{ round: 0, toStake: true }])
    const withdrawn = await runCli(['verify', 'withdraw', '--dev-account', '3', '--json'], { home: chain.root })
    expect(withdrawn.code, withdrawn.stdout + withdrawn.stderr).toBe(0)
    expect(BigInt(withdrawn.json.result.amount)).toBeGreaterThan(0n)
  })
})
