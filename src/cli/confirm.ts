import { createInterface } from 'node:readline/promises'
import { ExitCode, ModeldaoError } from '../core/errors/base.js'

/**
 * Asks "question [y/N]" on the terminal. `assumeYes` (--yes) skips it. Off a terminal without --yes it refuses:
 * a transaction is never sent without someone having said yes.
 */
export async function confirm(question: string, assumeYes: boolean): Promise<void> {
  if (assumeYes) return
  if (!process.stdin.isTTY) {
    throw new ModeldaoError('CONFIRMATION_REQUIRED', 'This sends a transaction and needs confirmation.', {
      hints: ['Run it in a terminal to confirm, or pass --yes.'],
      exitCode: ExitCode.usage,
    })
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase()
    if (answer !== 'y' && answer !== 'yes') {
      throw new ModeldaoError('CANCELLED', 'Cancelled; nothing was sent.', { exitCode: ExitCode.usage })
    }
  } finally {
    rl.close()
  }
}
