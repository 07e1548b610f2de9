import { formatUnits } from 'viem'
import type { RegistrationSummary } from '../core/actions/models/publishModel.js'
import { createInterface } from 'node:readline/promises'
import { ConfirmationRequiredError } from '../core/errors/base.js'

/**
 * Asks "question [y/N]" on the terminal and says whether the answer was yes. `assumeYes` (--yes) skips it. Off a
 * terminal (or under --json) without --yes it refuses: a transaction is never sent without someone having said yes.
 * @throws {ConfirmationRequiredError}
 */
export async function confirm(question: string, assumeYes: boolean, options: { json?: boolean } = {}): Promise<boolean> {
  if (assumeYes) return true
  // --json output is for programs: never a prompt in it, even on a terminal.
  if (!process.stdin.isTTY || options.json) throw new ConfirmationRequiredError()
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase()
    return answer === 'y' || answer === 'yes'
  } finally {
    rl.close()
  }
}

/** The question asked before a model is created on chain. */
export function registrationQuestion(summary: RegistrationSummary): string {
  const { terms } = summary
  return (
    `Create model "${summary.name}" on chain ${summary.chainId} from ${summary.account}: ${terms.supply} shares, ` +
    `royalty ${Number(terms.royaltyBps) / 100}%, shareholders' fee share ${terms.feeShareBps / 100}%, ` +
    `price ${formatUnits(terms.pricePerRequest, terms.paymentTokenDecimals)} ${terms.paymentTokenSymbol}/request?`
  )
}
