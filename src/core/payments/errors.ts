import { ModeldaoError } from '../errors/base.js'

/** A node billed more than its quoted prices and the answer account for; the paying client signs nothing more to it. */
export class NodeOverbilledError extends ModeldaoError {
  override name = 'NodeOverbilledError'
  constructor(
    why: string,
    /** Where `chat` kept the evidence. */
    readonly evidenceFile?: string | undefined,
  ) {
    super('NODE_OVERBILLED', `The node billed more than this client can account for: ${why}`, {
      hints: [
        `Nothing more is signed on this channel. Withdraw it (\`modeldao channel withdraw <id>\`). The evidence is ${evidenceFile ? `in ${evidenceFile}` : "in the paying fetch's channelClient.evidence"}.`,
      ],
    })
  }
}

/** A node asked a price that does not follow from its own quoted terms for this request; nothing was signed. */
export class PaymentTermsInconsistentError extends ModeldaoError {
  override name = 'PaymentTermsInconsistentError'
  constructor(why: string) {
    super('PAYMENT_TERMS_INCONSISTENT', `The node's payment offer does not add up: ${why}`, {
      hints: ['Nothing was signed. Use another node (`modeldao node list --model <id>`).'],
    })
  }
}
