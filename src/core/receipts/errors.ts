import { ModeldaoError } from '../errors/base.js'

export class ReceiptMalformedError extends ModeldaoError {
  override name = 'ReceiptMalformedError'
  constructor(reason: string) {
    super('RECEIPT_MALFORMED', `The receipt cannot be replayed: ${reason}.`, {
      hints: ['A receipt lists one log-probability and one logit gap per output token, each token an id of the registered model. A signed receipt that does not is evidence against its node.'],
    })
  }
}
