import { ModeldaoError } from '../errors/base.js'

export class InvalidDurationError extends ModeldaoError {
  override name = 'InvalidDurationError'
  constructor(value: string) {
    super('INVALID_DURATION', `Cannot read "${value}" as a duration.`, {
      hints: ['Use a number with a unit: 90s, 15m, 2h, 7d, 1w (or plain seconds: 3600).'],
    })
  }
}

export class AmountInvalidError extends ModeldaoError {
  override name = 'AmountInvalidError'
  constructor(what: string, value: string) {
    super('AMOUNT_INVALID', `${what} "${value}" is not an amount.`, { hints: ['Use a decimal number such as 10 or 0.5 (0 for none).'] })
  }
}

export class TimeInvalidError extends ModeldaoError {
  override name = 'TimeInvalidError'
  constructor(what: string, value: string) {
    super('TIME_INVALID', `${what} "${value}" is not a time.`, { hints: ['Use an ISO 8601 time such as 2026-11-25T12:00:00Z, or "now".'] })
  }
}
