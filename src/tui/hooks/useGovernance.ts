import { useCallback, useEffect, useRef } from 'react'
import { ModeldaoError } from '../../core/errors/base.js'
import type { TransactionProgress } from '../../core/chain/protocol/write.js'
import type { TuiClient } from '../client.js'
import type { ProposalKey, TuiAction, TuiState } from './state.js'

/** An error as the status line shows it: the sentence and its hints. */
export function describeError(error: unknown): NonNullable<TuiState['error']> {
  if (error instanceof ModeldaoError) return { message: error.shortMessage, hints: error.hints }
  return { message: error instanceof Error ? error.message : String(error), hints: [] }
}

/**
 * Keeps the list (and the open proposal) in step with the chain: loads them once, then again whenever a new block
 * arrives (polled every `pollMs`). Old data stays on screen until the new data is there: no flicker, no spinner.
 */
export function useGovernanceData(client: TuiClient, state: TuiState, dispatch: (action: TuiAction) => void, pollMs = 1000) {
  const open = state.screen.kind === 'detail' ? { modelId: state.screen.modelId, proposalId: state.screen.proposalId } : undefined
  const openRef = useRef<ProposalKey | undefined>(open)
  openRef.current = open

  const refresh = useCallback(async () => {
    try {
      const list = await client.proposals()
      dispatch({ type: 'proposals/loaded', block: list.block, proposals: list.proposals })
      const key = openRef.current
      if (key) dispatch({ type: 'detail/loaded', detail: await client.proposal(key.modelId, key.proposalId) })
    } catch (error) {
      dispatch({ type: 'error', error: describeError(error) })
    }
  }, [client, dispatch])

  // The first load, and a load whenever another proposal is opened.
  useEffect(() => {
    void refresh()
  }, [refresh, open?.modelId, open?.proposalId])

  // New blocks: refresh.
  useEffect(() => {
    let last = -1
    let stopped = false
    // One refresh at a time: a slow one is not joined by more, and results never arrive out of order.
    let busy = false
    const tick = async () => {
      if (busy) return
      busy = true
      try {
        const block = await client.blockNumber()
        if (!stopped && block !== last) {
          const first = last === -1
          last = block
          if (!first) await refresh()
        }
      } catch {
        // The chain may be restarting; the next tick tries again.
      } finally {
        busy = false
      }
    }
    const timer = setInterval(() => void tick(), pollMs)
    void tick()
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [client, refresh, pollMs])

  return refresh
}

/** Runs one transaction for the TUI: progress in the status line, the result or the error after, then a refresh. */
export function useTransactions(dispatch: (action: TuiAction) => void, refresh: () => Promise<void>) {
  return useCallback(
    async (label: string, run: (onProgress: (e: TransactionProgress) => void) => Promise<string>) => {
      dispatch({ type: 'error', error: undefined })
      dispatch({ type: 'transaction', transaction: { label, stage: 'checking', state: 'running' } })
      const onProgress = (e: TransactionProgress) => {
        const stage = e.stage === 'simulated' ? `${e.call}: signing` : e.stage === 'signed' ? `${e.call}: sending` : e.stage === 'sent' ? `${e.call}: sent ${e.hash.slice(0, 10)}…, waiting` : `${e.call}: mined in block ${e.blockNumber}`
        dispatch({ type: 'transaction', transaction: { label, stage, state: 'running' } })
      }
      try {
        const done = await run(onProgress)
        dispatch({ type: 'transaction', transaction: { label, stage: 'done', state: 'done', message: done } })
      } catch (error) {
        dispatch({ type: 'transaction', transaction: undefined })
        dispatch({ type: 'error', error: describeError(error) })
      }
      await refresh()
    },
    [dispatch, refresh],
  )
}
