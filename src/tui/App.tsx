import { Box, Text, useApp, useInput, useStdout } from 'ink'
import { useEffect, useReducer, useRef, useState } from 'react'
import type { Address } from 'viem'
import { formatToken } from '../core/shares/market.js'
import type { TuiClient } from './client.js'
import { DialogView } from './components/DialogView.js'
import { Help } from './components/Help.js'
import { ProposalDetail } from './components/ProposalDetail.js'
import { ProposalList } from './components/ProposalList.js'
import { initialState, reducer, visibleProposals, type Dialog, type ProposalKey, type TuiState } from './hooks/state.js'
import { useGovernanceData, useTransactions } from './hooks/useGovernance.js'
import type { PasswordBroker } from './passwordBroker.js'
import { paint } from './theme.js'

export type AppProps = {
  client: TuiClient
  passwords?: PasswordBroker | undefined
  /** Open this proposal first (`modeldao vote 7`). */
  initial?: ProposalKey | undefined
  /** Poll interval for new blocks. */
  pollMs?: number | undefined
}

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`

/** The size of the terminal, following resizes. */
function useTerminalSize() {
  const { stdout } = useStdout()
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 })
  const [size, setSize] = useState(read)
  useEffect(() => {
    const onResize = () => setSize(read())
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout])
  return size
}

/** Text input for dialogs: printable keys append, Backspace deletes. Returns the new text or undefined (not text). */
function typed(text: string, input: string, key: { backspace: boolean; delete: boolean; ctrl: boolean; meta: boolean }): string | undefined {
  if (key.backspace || key.delete) return text.slice(0, -1)
  if (key.ctrl || key.meta || !input || /[\u0000-\u001f\u007f]/.test(input)) return undefined
  return text + input
}

export function App({ client, passwords, initial, pollMs }: AppProps) {
  const { exit } = useApp()
  const [state, dispatch] = useReducer(reducer, initial ? { ...initialState, screen: { kind: 'detail', ...initial } } : initialState)
  const [account, setAccount] = useState<Address | undefined>()
  const [scroll, setScroll] = useState(0)
  const { columns, rows } = useTerminalSize()
  const refresh = useGovernanceData(client, state, dispatch, pollMs)
  const transact = useTransactions(dispatch, refresh)

  useEffect(() => {
    void client.address().then(setAccount)
  }, [client])
  useEffect(() => passwords?.listen((purpose) => dispatch({ type: 'dialog/open', dialog: { kind: 'password', purpose, input: '' } })), [passwords])
  useEffect(() => setScroll(0), [state.screen])

  const list = visibleProposals(state)
  const selected = list[state.selected]
  const current: ProposalKey | undefined = state.screen.kind === 'detail' ? state.screen : selected
  const detail = state.detail && current && state.detail.modelId === current.modelId && state.detail.proposalId === current.proposalId ? state.detail : undefined
  const busy = state.transaction?.state === 'running'
  // Key handlers read the latest render's values: a key can arrive before Ink re-subscribes the handler of a new
  // render (its effects run after the frame is drawn), and a stale closure would act on the previous selection.
  const latest = useRef({ state, selected, current, busy })
  latest.current = { state, selected, current, busy }

  const openDialog = (dialog: Dialog) => dispatch({ type: 'dialog/open', dialog })
  const update = (dialog: Dialog) => dispatch({ type: 'dialog/update', dialog })
  const close = () => dispatch({ type: 'dialog/close' })

  const confirmDialog = (d: Dialog) => {
    close()
    if (d.kind === 'vote') {
      void transact(`vote ${d.support}`, async (onProgress) => {
        const r = await client.vote(d.modelId, d.proposalId, d.support, d.reason, d.bySignature, onProgress)
        return `Voted ${r.support} on proposal ${r.proposalId} of model ${r.modelId} with ${r.weight} votes${r.relayedBy ? ` (relayed by ${short(r.relayedBy)})` : ''} · tx ${r.transactionHash.slice(0, 10)}…`
      })
    } else if (d.kind === 'delegate') {
      void transact('delegate', async (onProgress) => {
        const r = await client.delegate(d.modelId, d.to.trim() || undefined, onProgress)
        return `Votes in model ${r.modelId} now go to ${r.delegatee.toLowerCase() === r.account.toLowerCase() ? 'yourself' : short(r.delegatee)} · tx ${r.transactionHash.slice(0, 10)}…`
      })
    } else if (d.kind === 'stake') {
      void transact(`stake ${d.side}`, async (onProgress) => {
        const r = await client.stake(d.modelId, d.proposalId, d.side, d.amount.trim(), onProgress)
        return `Staked ${formatToken(r.amount, r.paymentToken)} ${r.side}; pool for ${formatToken(r.totalFor, r.paymentToken)} · against ${formatToken(r.totalAgainst, r.paymentToken)}`
      })
    } else if (d.kind === 'step') {
      void transact(d.step, async (onProgress) => {
        const r = d.step === 'queue' ? await client.queue(d.modelId, d.proposalId, onProgress) : await client.execute(d.modelId, d.proposalId, onProgress)
        return `Proposal ${r.proposalId} of model ${r.modelId} is ${r.state} · tx ${r.transactionHash.slice(0, 10)}…`
      })
    }
  }

  const onDialogKey = (d: Dialog, input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
    if (key.escape) {
      if (d.kind === 'password') passwords?.cancel()
      return close()
    }
    switch (d.kind) {
      case 'vote': {
        if (d.step === 'choose') {
          const order = ['for', 'against', 'abstain'] as const
          const i = order.indexOf(d.support)
          if (key.leftArrow || input === 'h') return update({ ...d, support: order[(i + 2) % 3]! })
          if (key.rightArrow || input === 'l' || key.tab) return update({ ...d, support: order[(i + 1) % 3]! })
          if (input === 'f') return update({ ...d, support: 'for' })
          if (input === 'a') return update({ ...d, support: 'against' })
          if (input === 'b') return update({ ...d, support: 'abstain' })
          if (key.return) return update({ ...d, step: 'reason' })
          return
        }
        if (d.step === 'reason') {
          if (key.return) return update({ ...d, step: 'confirm' })
          const next = typed(d.reason, input, key)
          if (next !== undefined) update({ ...d, reason: next })
          return
        }
        if (input === 'g' && client.canRelay) return update({ ...d, bySignature: !d.bySignature })
        if (key.return || input === 'y') return confirmDialog(d)
        if (input === 'n') return close()
        return
      }
      case 'delegate': {
        if (key.return) return confirmDialog(d)
        const next = typed(d.to, input, key)
        if (next !== undefined) update({ ...d, to: next })
        return
      }
      case 'stake': {
        if (d.step === 'side') {
          if (key.leftArrow || key.rightArrow || key.tab) return update({ ...d, side: d.side === 'for' ? 'against' : 'for' })
          if (input === 'f') return update({ ...d, side: 'for' })
          if (input === 'a') return update({ ...d, side: 'against' })
          if (key.return) return update({ ...d, step: 'amount' })
          return
        }
        if (d.step === 'amount') {
          if (key.return && d.amount.trim()) return update({ ...d, step: 'confirm' })
          const next = typed(d.amount, input, key)
          if (next !== undefined && /^[\d.]*$/.test(next)) update({ ...d, amount: next })
          return
        }
        if (key.return || input === 'y') return confirmDialog(d)
        if (input === 'n') return close()
        return
      }
      case 'step':
        if (key.return || input === 'y') return confirmDialog(d)
        if (input === 'n') return close()
        return
      case 'password': {
        if (key.return) {
          passwords?.answer(d.input)
          return close()
        }
        const next = typed(d.input, input, key)
        if (next !== undefined) update({ ...d, input: next })
        return
      }
    }
  }

  useInput((input, key) => {
    const { state, selected, current, busy } = latest.current
    if (state.dialog) return onDialogKey(state.dialog, input, key)
    if (state.filtering) {
      if (key.return) return dispatch({ type: 'filter/end', keep: true })
      if (key.escape) return dispatch({ type: 'filter/end', keep: false })
      if (key.upArrow || key.downArrow) return dispatch({ type: 'move', by: key.upArrow ? -1 : 1 })
      const next = typed(state.filter, input, key)
      if (next !== undefined) dispatch({ type: 'filter/input', text: next })
      return
    }
    if (state.help) {
      if (input === '?' || input === 'q' || key.escape) dispatch({ type: 'help/toggle' })
      return
    }
    if (input === '?') return dispatch({ type: 'help/toggle' })
    if (input === 'q' || key.escape) {
      if (state.screen.kind === 'detail') return dispatch({ type: 'back' })
      return exit()
    }
    const up = key.upArrow || input === 'k'
    const down = key.downArrow || input === 'j'
    if (state.screen.kind === 'list') {
      if (up || down) return dispatch({ type: 'move', by: up ? -1 : 1 })
      if (key.pageUp || key.pageDown) return dispatch({ type: 'move', by: key.pageUp ? -10 : 10 })
      if (input === '/') return dispatch({ type: 'filter/start' })
      if (key.return && selected) return dispatch({ type: 'open', key: { modelId: selected.modelId, proposalId: selected.proposalId } })
    } else if (up || down) return setScroll((s) => Math.max(0, s + (up ? -1 : 1)))
    if (!current || busy) return
    const ref = { modelId: current.modelId, proposalId: current.proposalId }
    if (input === 'v') {
      openDialog({ kind: 'vote', step: 'choose', support: 'for', reason: '', bySignature: false, ...ref })
      // No gas and a relayer: by signature unless the holder turns it off (g).
      if (client.canRelay) {
        void client.hasGas().then((gas) => {
          const d = latest.current.state.dialog
          if (!gas && d?.kind === 'vote') dispatch({ type: 'dialog/update', dialog: { ...d, bySignature: true } })
        })
      }
      return
    }
    if (input === 'd') return openDialog({ kind: 'delegate', modelId: current.modelId, to: '' })
    if (input === 's') return openDialog({ kind: 'stake', step: 'side', side: 'for', amount: '', ...ref })
    if (input === 'Q') return openDialog({ kind: 'step', step: 'queue', ...ref })
    if (input === 'X') return openDialog({ kind: 'step', step: 'execute', ...ref })
  })

  const bodyHeight = Math.max(3, rows - 4 - (state.dialog ? 4 : 0))
  const width = Math.max(40, columns - 2)
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold {...paint('title')}>
          modeldao vote
        </Text>
        <Text {...paint('muted')}>
          {' · '}
          {account ? short(account) : 'read only'} · block {state.block || '…'} · {state.proposals.length} proposal{state.proposals.length === 1 ? "" : "s"}{state.filter ? ` · filter "${state.filter}"` : ''}
        </Text>
      </Text>
      <Box height={bodyHeight} flexDirection="column" overflow="hidden">
        {state.help ? (
          <Help />
        ) : state.screen.kind === 'list' ? (
          state.loaded ? (
            <ProposalList proposals={list} selected={state.selected} block={state.block} width={width} height={bodyHeight} />
          ) : (
            <Text {...paint('muted')}>Reading proposals…</Text>
          )
        ) : detail ? (
          <ProposalDetail view={detail} width={width} height={bodyHeight} scroll={scroll} />
        ) : (
          <Text {...paint('muted')}>Reading proposal {state.screen.proposalId} of model {state.screen.modelId}…</Text>
        )}
      </Box>
      {state.dialog ? <DialogView dialog={state.dialog} canRelay={client.canRelay} votingPower={detail?.status.account?.votingPower} /> : null}
      <StatusLine state={state} />
      <Text wrap="truncate-end" {...paint('muted')}>
        {state.filtering ? `filter: ${state.filter}█  (Enter keep · Esc clear)` : state.screen.kind === 'list' ? 'jk move · Enter open · v vote · d delegate · s stake · / filter · ? help · q quit' : 'jk scroll · v vote · d delegate · s stake · Q queue · X execute · ? help · q back'}
      </Text>
    </Box>
  )
}

function StatusLine({ state }: { state: TuiState }) {
  if (state.error) {
    return (
      <Text>
        <Text {...paint('error')}>Error: {state.error.message}</Text>
        {state.error.hints[0] ? <Text {...paint('muted')}> {state.error.hints[0]}</Text> : null}
      </Text>
    )
  }
  const t = state.transaction
  if (t) return <Text {...paint(t.state === 'done' ? 'success' : 'warning')}>{t.state === 'done' ? t.message : `${t.label}: ${t.stage}`}</Text>
  return <Text> </Text>
}
