import type { ProposalView } from '../../core/actions/dao/getProposal.js'
import type { VoteSupport } from '../../core/actions/dao/castVote.js'
import type { ProposalRow } from '../client.js'

/** Which proposal a screen or dialog is about. */
export type ProposalKey = { modelId: number; proposalId: number }

export type Screen = { kind: 'list' } | ({ kind: 'detail' } & ProposalKey)

/** A dialog over the current screen: each collects its input, then asks to confirm. */
export type Dialog =
  | ({ kind: 'vote'; step: 'choose' | 'reason' | 'confirm'; support: VoteSupport; reason: string; bySignature: boolean } & ProposalKey)
  | { kind: 'delegate'; modelId: number; to: string }
  | ({ kind: 'stake'; step: 'side' | 'amount' | 'confirm'; side: 'for' | 'against'; amount: string } & ProposalKey)
  | ({ kind: 'step'; step: 'queue' | 'execute' } & ProposalKey)
  | { kind: 'password'; purpose: string; input: string }

/** A transaction in flight or just finished, shown in the status line. */
export type Transaction = { label: string; stage: string; state: 'running' | 'done' | 'failed'; message?: string | undefined }

export type TuiState = {
  screen: Screen
  dialog?: Dialog | undefined
  help: boolean
  proposals: ProposalRow[]
  /** The head block the list was read at. */
  block: number
  loaded: boolean
  selected: number
  filter: string
  filtering: boolean
  detail?: ProposalView | undefined
  transaction?: Transaction | undefined
  /** The last error of a read or an action, as the user should read it. */
  error?: { message: string; hints: readonly string[] } | undefined
}

export type TuiAction =
  | { type: 'proposals/loaded'; block: number; proposals: ProposalRow[] }
  | { type: 'detail/loaded'; detail: ProposalView }
  | { type: 'move'; by: number }
  | { type: 'open'; key: ProposalKey }
  | { type: 'back' }
  | { type: 'help/toggle' }
  | { type: 'filter/start' }
  | { type: 'filter/input'; text: string }
  | { type: 'filter/end'; keep: boolean }
  | { type: 'dialog/open'; dialog: Dialog }
  | { type: 'dialog/update'; dialog: Dialog }
  | { type: 'dialog/close' }
  | { type: 'transaction'; transaction: Transaction | undefined }
  | { type: 'error'; error: TuiState['error'] }

export const initialState: TuiState = { screen: { kind: 'list' }, help: false, proposals: [], block: 0, loaded: false, selected: 0, filter: '', filtering: false }

/** The proposals the list shows: the filter matches the title, the state, the model or the id. */
export function visibleProposals(state: Pick<TuiState, 'proposals' | 'filter'>): ProposalRow[] {
  const needle = state.filter.trim().toLowerCase()
  if (!needle) return state.proposals
  return state.proposals.filter((p) => `${p.title} ${p.state} model ${p.modelId} #${p.proposalId}`.toLowerCase().includes(needle))
}

export function reducer(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'proposals/loaded': {
      // Keep the same proposal selected when the list refreshes (its position can move as states change).
      const current = visibleProposals(state)[state.selected]
      const next = { ...state, proposals: action.proposals, block: action.block, loaded: true }
      const index = current ? visibleProposals(next).findIndex((p) => p.modelId === current.modelId && p.proposalId === current.proposalId) : -1
      const count = visibleProposals(next).length
      return { ...next, selected: index >= 0 ? index : Math.min(state.selected, Math.max(0, count - 1)) }
    }
    case 'detail/loaded':
      return { ...state, detail: action.detail }
    case 'move': {
      const count = visibleProposals(state).length
      return { ...state, selected: count ? Math.max(0, Math.min(count - 1, state.selected + action.by)) : 0 }
    }
    case 'open':
      return { ...state, screen: { kind: 'detail', ...action.key }, detail: state.detail && sameProposal(state.detail, action.key) ? state.detail : undefined, error: undefined }
    case 'back':
      if (state.help) return { ...state, help: false }
      if (state.dialog) return { ...state, dialog: undefined }
      return { ...state, screen: { kind: 'list' }, error: undefined }
    case 'help/toggle':
      return { ...state, help: !state.help }
    case 'filter/start':
      return { ...state, filtering: true }
    case 'filter/input':
      return { ...state, filter: action.text, selected: 0 }
    case 'filter/end':
      return { ...state, filtering: false, filter: action.keep ? state.filter : '', selected: action.keep ? state.selected : 0 }
    case 'dialog/open':
      return { ...state, dialog: action.dialog, error: undefined }
    case 'dialog/update':
      return { ...state, dialog: action.dialog }
    case 'dialog/close':
      return { ...state, dialog: undefined }
    case 'transaction':
      return { ...state, transaction: action.transaction }
    case 'error':
      return { ...state, error: action.error }
  }
}

export const sameProposal = (a: ProposalKey, b: ProposalKey) => a.modelId === b.modelId && a.proposalId === b.proposalId
