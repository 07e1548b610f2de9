// The voting TUI's components over the real governance core on a real anvil: key presses through stdin, assertions
// on the rendered frame for the list, the detail view, a vote's confirmation and result, errors and help.
import { render } from 'ink-testing-library'
import { parseUnits, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mineBlocks } from '../../src/core/actions/chain/mineBlocks.js'
import { createDao } from '../../src/core/actions/dao/createDao.js'
import { castVote } from '../../src/core/actions/dao/castVote.js'
import { getProposal } from '../../src/core/actions/dao/getProposal.js'
import { propose } from '../../src/core/actions/dao/propose.js'
import { registerModel } from '../../src/core/actions/models/registerModel.js'
import { transferShares } from '../../src/core/actions/shares/transferShares.js'
import { devAccount } from '../../src/core/chain/local/devAccounts.js'
import { createModeldao, type ModeldaoContext } from '../../src/core/context/context.js'
import { App } from '../../src/tui/App.js'
import { PasswordBroker } from '../../src/tui/passwordBroker.js'
import { createWallet } from '../../src/core/actions/wallet/createWallet.js'
import { fundWallet } from '../../src/core/actions/wallet/fundWallet.js'
import { createTuiClient } from '../../src/tui/client.js'
import { markdownLines, wrap } from '../../src/tui/components/markdown.js'
import { TallyBar } from '../../src/tui/components/TallyBar.js'
import { devContexts } from '../helpers/contexts.js'
import { chainHome, type ChainHome } from '../helpers/chainHome.js'

const address = (i: number): Address => devAccount(i, 31337).address
const ENTER = '\r'
const ESC = '\u001B'

/** Waits until the frame shows `text` (Ink renders asynchronously; fixed sleeps are flaky). */
async function waitFor(frame: () => string | undefined, text: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const now = frame() ?? ''
    if (typeof text === 'string' ? now.includes(text) : text.test(now)) return now
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the frame is:\n${now}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('voting TUI components (real anvil, real core)', () => {
  let chain: ChainHome
  const { as, track, disposeAll } = devContexts(() => chain.root)
  let modelId: number

  beforeAll(async () => {
    chain = await chainHome()
    const creator = as(0)
    const registered = await registerModel(creator, {
      manifestCid: 'bafkreituimodelversionone',
      terms: { supply: 1000n, royaltyBps: 0n, feeShareBps: 3000, pricePerRequest: parseUnits('0.01', 6), paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 },
    })
    modelId = Number(registered.modelId)
    await transferShares(creator, { modelId, to: address(1), amount: 300 })
    await createDao(creator, { modelId, settings: { votingDelay: 1, votingPeriod: 500, quorumPercent: 20, superQuorumPercent: 90, timelockDelay: 60 } })
    await propose(creator, { modelId, content: { kind: 'dataset', dataset: { cid: 'bafkreituidataset', name: 'tui sample', license: 'MIT', sizeBytes: 42n, descriptionCid: '' } }, rationale: 'Because **tests** need `data`.' })
    await propose(creator, { modelId, content: { kind: 'params', change: { votingPeriod: 600 } } })
    await mineBlocks(creator, { blocks: 2 })
  })
  afterAll(async () => {
    await disposeAll()
    await chain?.stop()
  })

  it('lists proposals grouped by state, opens one, votes with a reason after confirming, and refuses a second vote', async () => {
    const alice = as(1)
    const ui = render(<App client={createTuiClient(alice)} pollMs={200} />)
    try {
      const list = await waitFor(ui.lastFrame, 'ACTIVE (2)')
      expect(list).toContain(`M${modelId} #2`)
      expect(list).toContain(`M${modelId} #1`)
      expect(list).toMatch(/▸ M\d+ #2/) // newest first within a group
      ui.stdin.write('j')
      await waitFor(ui.lastFrame, /▸ M\d+ #1/)
      ui.stdin.write(ENTER)
      const detail = await waitFor(ui.lastFrame, 'you: 300 votes at the snapshot · not voted')
      expect(detail).toContain('→ include dataset "tui sample" bafkreituidataset (MIT, 42 bytes)')
      expect(detail).toContain('quorum 0/200 (0%)')
      expect(detail).toContain('Because tests need data.')

      ui.stdin.write('v')
      await waitFor(ui.lastFrame, 'Vote on proposal 1')
      ui.stdin.write('a') // against
      await waitFor(ui.lastFrame, /against/)
      ui.stdin.write('f') // changed my mind: for
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, 'Reason (optional)')
      ui.stdin.write('good data')
      await waitFor(ui.lastFrame, 'Reason (optional): good data')
      ui.stdin.write(ENTER)
      const confirm = await waitFor(ui.lastFrame, 'Vote FOR on proposal 1')
      expect(confirm).toContain('with 300 votes — "good data"?')
      ui.stdin.write('y')
      await waitFor(ui.lastFrame, 'Voted for on proposal 1')
      await waitFor(ui.lastFrame, 'you: 300 votes at the snapshot · voted')
      expect(ui.lastFrame()).toContain('for 300')
      const onChain = await getProposal(alice, { modelId, proposalId: 1 })
      expect(onChain.votes.map((v) => [v.voter, v.support, v.weight, v.reason])).toEqual([[address(1), 1, '300', 'good data']])

      // Live: another holder votes from elsewhere; the open view refreshes with the new block, no key pressed.
      await castVote(as(0), { modelId, proposalId: 1, support: 'against' })
      await waitFor(ui.lastFrame, 'for 300 · against 700 · abstain 0')

      // Voting twice: the core's sentence in the status line, nothing sent.
      ui.stdin.write('v')
      await waitFor(ui.lastFrame, 'Vote on proposal 1')
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, 'Reason (optional)')
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, 'Vote FOR on proposal 1')
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, `Error: ${address(1)} has voted on proposal 1 of model ${modelId} already`)

      // Back to the list, then quit.
      ui.stdin.write('q')
      await waitFor(ui.lastFrame, 'ACTIVE (2)')
    } finally {
      ui.unmount()
    }
  })

  it('shows "no voting power" for an account without shares, the help screen, and the filter', async () => {
    const stranger = as(4)
    const ui = render(<App client={createTuiClient(stranger, { all: true })} pollMs={200} initial={{ modelId, proposalId: 2 }} />)
    try {
      await waitFor(ui.lastFrame, 'you: 0 votes at the snapshot')
      ui.stdin.write('v')
      await waitFor(ui.lastFrame, 'Vote on proposal 2')
      ui.stdin.write(ENTER)
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, 'Vote FOR on proposal 2')
      ui.stdin.write('y')
      await waitFor(ui.lastFrame, `Error: ${address(4)} had no votes in proposal 2 of model ${modelId}`)

      ui.stdin.write('?')
      const help = await waitFor(ui.lastFrame, 'Keys')
      expect(help).toContain('delegate your votes')
      ui.stdin.write(ESC)
      await waitFor(ui.lastFrame, 'Proposal 2 · model')
      ui.stdin.write('q')
      await waitFor(ui.lastFrame, 'ACTIVE (2)')
      ui.stdin.write('/')
      ui.stdin.write('dataset')
      const filtered = await waitFor(ui.lastFrame, 'ACTIVE (1)')
      expect(filtered).toContain('Include dataset')
      expect(filtered).not.toContain(`M${modelId} #2 `)
      ui.stdin.write(ESC)
      await waitFor(ui.lastFrame, 'ACTIVE (2)')
    } finally {
      ui.unmount()
    }
  })

  it('asks a keystore password in a masked prompt inside the TUI, then votes with it', async () => {
    const setup = track(createModeldao({ home: chain.root, getPassword: async () => 'correct horse' }))
    const wallet = await createWallet(setup, { name: 'holder', kdf: 'light' })
    await fundWallet(as(0), { who: 'holder', eth: '1', tokens: '0' })
    // Shares before the next proposal's snapshot, then a proposal to vote on.
    await transferShares(as(0), { modelId, to: wallet.address!, amount: 50 })
    const third = await propose(as(0), { modelId, content: { kind: 'params', change: { votingDelay: 2 } } })
    await mineBlocks(as(0), { blocks: 2 })
    const passwords = new PasswordBroker()
    const holder = track(createModeldao({ home: chain.root, account: 'holder', getPassword: ({ purpose }) => passwords.request(purpose) }))
    const ui = render(<App client={createTuiClient(holder)} passwords={passwords} pollMs={200} initial={{ modelId, proposalId: third.proposalId }} />)
    try {
      await waitFor(ui.lastFrame, 'you: 50 votes at the snapshot · not voted')
      ui.stdin.write('v')
      await waitFor(ui.lastFrame, `Vote on proposal ${third.proposalId}`)
      ui.stdin.write(ENTER)
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, `Vote FOR on proposal ${third.proposalId}`)
      ui.stdin.write('y')
      await waitFor(ui.lastFrame, 'Password for keystore "holder"')
      ui.stdin.write('correct horse')
      const masked = await waitFor(ui.lastFrame, '*************')
      expect(masked).not.toContain('correct horse')
      ui.stdin.write(ENTER)
      await waitFor(ui.lastFrame, `Voted for on proposal ${third.proposalId}`)
    } finally {
      ui.unmount()
    }
  })

  it('an account that holds no shares of any model sees no proposals unless it asks for all', async () => {
    const ui = render(<App client={createTuiClient(as(5))} pollMs={200} />)
    try {
      await waitFor(ui.lastFrame, 'No proposals here.')
    } finally {
      ui.unmount()
    }
  })
})

describe('tally bar', () => {
  it('fills the bar with the votes cast (rounding to the largest side), marks quorum and super quorum', () => {
    const bar = (votes: { for: string; against: string; abstain: string }, quorum?: string, superQuorum?: string) => {
      const ui = render(<TallyBar votes={votes} width={10} quorum={quorum} superQuorum={superQuorum} />)
      const frame = ui.lastFrame()
      ui.unmount()
      return frame
    }
    expect(bar({ for: '500', against: '200', abstain: '0' }, '200', '800')).toBe('++++++++-- Q✓S…')
    expect(bar({ for: '1', against: '1', abstain: '1' })).toBe('++++---~~~')
    expect(bar({ for: '0', against: '0', abstain: '0' }, '10')).toBe('·········· Q…')
    expect(bar({ for: '900', against: '0', abstain: '0' }, '200', '800')).toBe('++++++++++ Q✓S✓')
  })
})

describe('markdown for descriptions', () => {
  it('wraps at spaces, cuts overlong words, renders headings and bullets', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four'])
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
    expect(markdownLines('# Title\n\n- a bullet that wraps\ntext', 12)).toEqual([
      { text: 'Title', kind: 'heading' },
      { text: '', kind: 'blank' },
      { text: '• a bullet', kind: 'bullet' },
      { text: '  that wraps', kind: 'bullet' },
      { text: 'text', kind: 'text' },
    ])
  })
})
