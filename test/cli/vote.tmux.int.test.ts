// The real `modeldao vote` in a real terminal (tmux, 80×24) against a real anvil with a real proposal: navigate with
// send-keys, vote, check every step on the captured screen, and check on chain that the vote counted.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseUnits, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mineBlocks } from '../../src/core/actions/chain/mineBlocks.js'
import { createDao } from '../../src/core/actions/dao/createDao.js'
import { getProposal } from '../../src/core/actions/dao/getProposal.js'
import { propose } from '../../src/core/actions/dao/propose.js'
import { registerModel } from '../../src/core/actions/models/registerModel.js'
import { transferShares } from '../../src/core/actions/shares/transferShares.js'
import { devAccount } from '../../src/core/chain/local/devAccounts.js'
import { createModeldao, type ModeldaoContext } from '../../src/core/context/context.js'
import { chainHome, type ChainHome } from '../helpers/chainHome.js'

const runJs = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const socket = `modeldao-test-${process.pid}`
// stderr piped: tmux's "no server running" on the last kill-server is not test output (it is in the error if it fails).
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const screen = () => tmux('capture-pane', '-p', '-t', 'vote')

async function waitForScreen(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const now = screen()
    if (typeof text === 'string' ? now.includes(text) : text.test(now)) return now
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(text)}; it shows:\n${now}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('modeldao vote in tmux (real anvil)', () => {
  let chain: ChainHome
  let creator: ModeldaoContext
  let modelId: number
  const alice: Address = devAccount(1, 31337).address

  beforeAll(async () => {
    try {
      execFileSync('tmux', ['-V'])
    } catch {
      throw new Error('tmux is not installed: `apt-get install -y tmux` (.ci/run does it)')
    }
    chain = await chainHome()
    creator = createModeldao({ home: chain.root, devAccount: 0 })
    const registered = await registerModel(creator, {
      manifestCid: 'bafkreitmuxmodel',
      terms: { supply: 1000n, royaltyBps: 0n, feeShareBps: 3000, pricePerRequest: parseUnits('0.01', 6), paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 },
    })
    modelId = Number(registered.modelId)
    await transferShares(creator, { modelId, to: alice, amount: 250 })
    await createDao(creator, { modelId, settings: { votingDelay: 1, votingPeriod: 500, quorumPercent: 10, superQuorumPercent: 90, timelockDelay: 60 } })
    await propose(creator, { modelId, content: { kind: 'version', manifestCid: 'bafkreitmuxversiontwo' }, rationale: 'Trained longer.' })
    await mineBlocks(creator, { blocks: 2 })
  })
  afterAll(async () => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }
    await creator?.dispose()
    await chain?.stop()
  })

  it('navigates, votes against with a reason, and the vote is counted on chain', async () => {
    // CI=true as on a CI runner: Ink would draw nothing until exit if it believed it ran in CI (the TUI must not).
    const command = `CI=true MODELDAO_HOME='${chain.root}' '${process.execPath}' '${runJs}' vote --dev-account 1`
    tmux('new-session', '-d', '-s', 'vote', '-x', '80', '-y', '24', command)
    const list = await waitForScreen('ACTIVE (1)')
    expect(list).toContain(`M${modelId} #1`)
    expect(list).toContain('Promote weights version')
    for (const line of list.split('\n')) expect(line.length).toBeLessThanOrEqual(80)

    tmux('send-keys', '-t', 'vote', 'Enter')
    const detail = await waitForScreen('you: 250 votes at the snapshot · not voted')
    expect(detail).toContain('→ promote version bafkreitmuxversiontwo')
    expect(detail).toContain('stakes: for 0 tUSD · against 0 tUSD')

    tmux('send-keys', '-t', 'vote', 'v')
    await waitForScreen('Vote on proposal 1')
    tmux('send-keys', '-t', 'vote', 'a')
    tmux('send-keys', '-t', 'vote', 'Enter')
    await waitForScreen('Reason (optional)')
    tmux('send-keys', '-t', 'vote', '-l', 'not tested enough')
    tmux('send-keys', '-t', 'vote', 'Enter')
    await waitForScreen(/Vote AGAINST on proposal 1 of model \d+ with 250 votes/)
    tmux('send-keys', '-t', 'vote', 'y')
    await waitForScreen('Voted against on proposal 1')
    await waitForScreen('you: 250 votes at the snapshot · voted')

    const onChain = await getProposal(creator, { modelId, proposalId: 1 })
    expect(onChain.status.votes).toEqual({ for: '0', against: '250', abstain: '0' })
    expect(onChain.votes).toEqual([expect.objectContaining({ voter: alice, support: 0, weight: '250', reason: 'not tested enough' })])

    tmux('send-keys', '-t', 'vote', 'q')
    await waitForScreen('ACTIVE (1)')
    // A wider terminal: the list re-renders to the new width (the whole title fits now).
    tmux('resize-window', '-t', 'vote', '-x', '120', '-y', '30')
    await waitForScreen(`Promote weights version bafkreitmuxversiontwo for model ${modelId}`)
    tmux('resize-window', '-t', 'vote', '-x', '80', '-y', '24')
    await waitForScreen('Promote weights version… ')
    tmux('send-keys', '-t', 'vote', 'q')
    // The command exits: the session ends with it.
    const deadline = Date.now() + 10_000
    for (;;) {
      try {
        tmux('has-session', '-t', 'vote')
      } catch {
        break
      }
      if (Date.now() > deadline) throw new Error(`modeldao vote did not exit on q:\n${screen()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  })

  it('dao propose --edit opens $EDITOR on the templated description in a terminal', async () => {
    // The "editor" rewrites the title line, as a person would.
    const editor = `sed -i 's/^# .*/# Edited in the editor/'`
    const command = `MODELDAO_HOME='${chain.root}' EDITOR="${editor}" '${process.execPath}' '${runJs}' dao propose params --model ${modelId} --price 0.5 --edit --dev-account 0; sleep 30`
    tmux('new-session', '-d', '-s', 'edit', '-x', '100', '-y', '30', command)
    try {
      const deadline = Date.now() + 20_000
      for (;;) {
        const shown = tmux('capture-pane', '-p', '-t', 'edit')
        if (/Proposal \d+ of model \d+: Edited in the editor/.test(shown)) break
        if (Date.now() > deadline) throw new Error(`no proposal with the edited title:\n${shown}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      tmux('kill-session', '-t', 'edit')
    }
    const proposal = await getProposal(creator, { modelId, proposalId: 2 })
    expect(proposal.title).toBe('Edited in the editor')
    expect(proposal.description).toContain('set the price per request to 0.5 tUSD')
  })

  it('refuses without a terminal, pointing to the dao commands', async () => {
    const { runCli } = await import('../helpers/cli.js')
    const result = await runCli(['vote', '--json'], { home: chain.root })
    expect(result.code).toBe(2)
    expect(result.json.error).toMatchObject({ code: 'USAGE', message: 'The voting TUI needs an interactive terminal (and no --json).' })
    expect(result.json.error.hints[0]).toContain('modeldao dao vote')
  })
})
