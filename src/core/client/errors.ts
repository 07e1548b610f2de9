import { describeCause, ModeldaoError } from '../errors/base.js'
import type { ReceiptFault } from '../receipts/check.js'
import type { FaultEvidence } from './faults.js'

export class NodeUnreachableError extends ModeldaoError {
  override name = 'NodeUnreachableError'
  constructor(url: string, cause: unknown) {
    super('NODE_UNREACHABLE', `No modeldao serving node answers at ${url}.`, {
      details: describeCause(cause),
      hints: ['Check the URL (find registered nodes with `modeldao node list --model <id>`), or start one with `modeldao node serve`.'],
      cause,
    })
  }
}

export class NodeRequestFailedError extends ModeldaoError {
  override name = 'NodeRequestFailedError'
  constructor(url: string, status: number, message: string) {
    super('NODE_REQUEST_FAILED', `The node at ${url} answered ${status}: ${message}`, {
      hints: status === 429 ? ['The node is busy: try again shortly.'] : ['Nothing was charged for a refused request. Check the prompt and --max-tokens against the node (`curl <node>/v1/models`).'],
    })
  }
}

export class NodeStreamCutError extends ModeldaoError {
  override name = 'NodeStreamCutError'
  constructor(url: string, receiptId: string | null, cause: unknown) {
    super('NODE_STREAM_CUT', `The node at ${url} closed the connection part-way through the answer.`, {
      details: describeCause(cause),
      hints: [
        `A paid node bills what it sent before the cut and keeps that receipt${receiptId ? ` (\`curl ${url}/v1/receipts/${receiptId}\`)` : ''}. Ask again, or another node (\`modeldao node list --model <id>\`).`,
      ],
      cause,
    })
  }
}

/** Hints for the node's refusal codes a client can do something about. */
const refusalHints: Record<string, string> = {
  insufficient_channel_balance: 'Top up the channel: add --deposit <amount> (e.g. --deposit 5).',
  channel_closing: 'The channel is being withdrawn: open a new one with --deposit <amount> --new-channel.',
  unknown_channel: 'The channel is not on this chain: check --channel, or open one with --deposit <amount> --new-channel.',
  wrong_operator: "The channel pays another operator: open one to this node's operator with --deposit <amount> --new-channel.",
}

export class PaymentRefusedError extends ModeldaoError {
  override name = 'PaymentRefusedError'
  constructor(url: string, reason: string, message: string) {
    super('PAYMENT_REFUSED', `The node at ${url} refused the payment (${reason}): ${message}`, {
      hints: [refusalHints[reason] ?? 'Nothing was charged for a refused request.'],
    })
  }
}

export class CostAboveLimitError extends ModeldaoError {
  override name = 'CostAboveLimitError'
  constructor(ceiling: string, limit: string) {
    super('COST_ABOVE_LIMIT', `The node asks up to ${ceiling} for this request, above --max-cost ${limit}.`, {
      hints: ['Raise --max-cost, or lower --max-tokens (the ceiling is the price per request plus the price per token × max tokens).'],
    })
  }
}

export class PaymentTermsUnusableError extends ModeldaoError {
  override name = 'PaymentTermsUnusableError'
  constructor(reason: string) {
    super('PAYMENT_TERMS_UNUSABLE', `This node's payment terms cannot be met from this home: ${reason}.`, {
      hints: ['Point modeldao at the chain and deployment the node uses (--rpc-url, --chain-id, `modeldao chain adopt`).'],
    })
  }
}

export class ChannelUnusableError extends ModeldaoError {
  override name = 'ChannelUnusableError'
  /** `channelId` undefined: none is recorded for the operator. */
  constructor(channelId: string | undefined, reason: string) {
    super('CHANNEL_UNUSABLE', channelId ? `Channel ${channelId} cannot pay this node: ${reason}.` : `No payment channel can pay this node: ${reason}.`, {
      hints: channelId
        ? ["Open a new channel to the node's operator with --deposit <amount> --new-channel, or pay per request with --pay exact."]
        : ['Fund a channel with --deposit <amount> (e.g. --deposit 5), name one with --channel <id>, or pay per request with --pay exact.'],
    })
  }
}

export class NodeOverclaimedError extends ModeldaoError {
  override name = 'NodeOverclaimedError'
  constructor(url: string, why: string) {
    super('NODE_OVERCLAIMED', `The node at ${url} claims more than this client paid for: ${why}`, {
      hints: ['Stop using this node: withdraw the channel (`modeldao channel withdraw <id>`), and report the operator (`modeldao node list` shows its record).'],
    })
  }
}

export class ReceiptWithheldError extends ModeldaoError {
  override name = 'ReceiptWithheldError'
  constructor(
    url: string,
    readonly operator: `0x${string}`,
    readonly evidenceFile: string,
  ) {
    const evidence = evidenceFile
    super('RECEIPT_WITHHELD', `The node at ${url} (operator ${operator}) took payment for the answer and sent no signed receipt with it.`, {
      details: `The evidence (the request, what was received, the payment signed) is kept in ${evidence}.`,
      hints: ['This home signs nothing more to that operator (--allow-faulted overrides). Keep the evidence file: it holds the voucher you signed and what came back.'],
    })
  }
}

export class ReceiptInvalidError extends ModeldaoError {
  override name = 'ReceiptInvalidError'
  constructor(
    url: string,
    readonly faults: readonly ReceiptFault[],
    readonly evidenceFile: string,
    /** The receipt as sent and the payment this client signed for it (what a challenge is filed with). */
    readonly evidence: FaultEvidence,
  ) {
    super('RECEIPT_INVALID', `The receipt the node at ${url} sent is not the receipt of this answer (${[...new Set(faults.map((f) => f.reason))].join(', ')}).`, {
      details: `${faults.map((f) => `${f.reason}: ${f.detail}`).join('\n')}\nThe evidence is kept in ${evidenceFile}.`,
      hints: ['This home signs nothing more to that operator. The signed receipt is evidence: `modeldao verify challenge <file>` disputes it.'],
    })
  }
}

export class NodeFaultedError extends ModeldaoError {
  override name = 'NodeFaultedError'
  constructor(operator: string, evidence: readonly string[]) {
    super('NODE_FAULTED', `This home recorded ${evidence.length === 1 ? 'a fault' : `${evidence.length} faults`} against operator ${operator}: nothing more is signed to it.`, {
      details: `Evidence: ${evidence.join(', ')}`,
      hints: ['Use another node (`modeldao node list --model <id>`), or pass --allow-faulted if you have settled it with the operator.'],
    })
  }
}
