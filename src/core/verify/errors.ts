import { ModeldaoError } from '../errors/base.js'

export class PromptHashMismatchError extends ModeldaoError {
  override name = 'PromptHashMismatchError'
  constructor(readonly expected: string, readonly actual: string, tokens: number) {
    super('REPLAY_PROMPT_MISMATCH', `The ${tokens} prompt tokens given are not the receipt's prompt: they hash to ${actual}, the receipt says ${expected}.`, {
      hints: ["Replay needs the exact tokens the node evaluated (chat template applied, BOS included): ask the client or node for them; the receipt holds only their sha256."],
    })
  }
}

export class ReplayContextTooSmallError extends ModeldaoError {
  override name = 'ReplayContextTooSmallError'
  constructor(needed: number, contextSize: number) {
    super('REPLAY_CONTEXT_TOO_SMALL', `The replay needs ${needed} tokens of context; the engine holds ${contextSize}.`, {
      hints: [`Open the replay engine with a contextSize of at least ${needed} (context shifting would change the results).`],
    })
  }
}

export class ReplayNoSequenceError extends ModeldaoError {
  override name = 'ReplayNoSequenceError'
  constructor(parallel: number) {
    super('REPLAY_NO_SEQUENCE', parallel === 1 ? 'The replay engine\'s one sequence is in use.' : `All ${parallel} sequences of the replay engine are in use.`, {
      hints: ['Pass a free sequence, or replay on an engine of its own: a replay must not share a batch with other generation (batching changes the numbers).'],
    })
  }
}
