import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  InsufficientFundsError as ViemInsufficientFundsError,
  type Abi,
  type Hex,
} from 'viem'
import { ModeldaoError, type RevertCode } from '../../errors/base.js'
import { InsufficientFundsError, TransactionRevertedError } from '../errors.js'
import { revertMessages, type RevertArgs } from './revertMessages.js'
import { protocolErrorsAbi, type ProtocolErrorName } from './registry.js'

/** The stable code of a custom error: `ModelSharesInvalidBps` → `REVERT_MODEL_SHARES_INVALID_BPS`. */
export function revertCode(errorName: string): RevertCode {
  const snake = errorName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
  return `REVERT_${snake.toUpperCase()}`
}

const jsonSafe = (value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : Array.isArray(value) ? value.map(jsonSafe) : value

/** A protocol contract reverted with one of its custom errors: the error as a sentence, its arguments and a hint. */
export class ContractRevertError extends ModeldaoError {
  override name = 'ContractRevertError'
  readonly errorName: string
  readonly args: RevertArgs
  /** `Contract.function` that reverted. */
  readonly call: string

  constructor(params: { call: string; errorName: string; args: RevertArgs; cause?: unknown }) {
    const known = revertMessages[params.errorName as ProtocolErrorName]
    const argList = Object.entries(params.args).map(([name, value]) => `${name}: ${String(value)}`).join(', ')
    super(revertCode(params.errorName), `${params.call} reverted: ${known ? known.message(params.args) : params.errorName}.`, {
      details: `${params.errorName}(${argList})`,
      hints: [known?.hint ?? 'Nothing changed on chain. Check the arguments.'],
      cause: params.cause,
    })
    this.errorName = params.errorName
    this.args = Object.fromEntries(Object.entries(params.args).map(([k, v]) => [k, jsonSafe(v)]))
    this.call = params.call
  }

  override toJSON() {
    return { ...super.toJSON(), revert: { call: this.call, error: this.errorName, args: this.args } }
  }
}

/** Zips a decoded error's positional args with the names in its ABI entry. */
function namedArgs(abi: Abi, errorName: string, args: readonly unknown[] | undefined): RevertArgs {
  const item = abi.find((entry) => entry.type === 'error' && entry.name === errorName)
  const inputs = item && item.type === 'error' ? item.inputs : []
  return Object.fromEntries((args ?? []).map((value, i) => [inputs[i]?.name || `arg${i}`, value]))
}

/** Revert data (hex) anywhere in a viem error's cause chain. */
function revertData(error: BaseError): Hex | undefined {
  const found = error.walk((e) => {
    const data = (e as { data?: unknown }).data
    return (typeof data === 'string' && data.startsWith('0x') && data.length >= 10) || (e instanceof ContractFunctionRevertedError && e.raw !== undefined)
  }) as (BaseError & { data?: unknown; raw?: Hex }) | null
  if (!found) return undefined
  if (found instanceof ContractFunctionRevertedError) return found.raw
  return found.data as Hex
}

export type TransactionErrorContext = {
  /** `Contract.function` (or `deploy Contract`), for the message. */
  call: string
  account: string
  chainId: number
}

/**
 * Turns what viem throws for a failed simulation or send into a ModeldaoError: a decoded protocol custom error, no
 * funds for gas, or a revert with a reason string. Anything else is returned as it was.
 */
export function decodeTransactionError(error: unknown, context: TransactionErrorContext): unknown {
  if (error instanceof ModeldaoError || !(error instanceof BaseError)) return error
  // viem maps it for eth_sendTransaction; for a raw transaction the node's message is all there is.
  const broke = error.walk((e) => e instanceof ViemInsufficientFundsError || /insufficient funds|exceeds the balance/i.test(`${(e as BaseError).details ?? ''} ${(e as Error).message}`))
  if (broke) return new InsufficientFundsError(context.account, context.chainId, error)
  const data = revertData(error)
  if (data && data !== '0x') {
    try {
      const decoded = decodeErrorResult({ abi: protocolErrorsAbi, data })
      return new ContractRevertError({ call: context.call, errorName: decoded.errorName, args: namedArgs(protocolErrorsAbi, decoded.errorName, decoded.args), cause: error })
    } catch {
      // Not a protocol error: fall through to the reason string or the raw data.
    }
  }
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null
  if (reverted) return new TransactionRevertedError(context.call, reverted.reason ?? (data ? `unknown error data ${data.slice(0, 10)}` : 'no reason given'), error)
  if (data) return new TransactionRevertedError(context.call, `unknown error data ${data.slice(0, 10)}`, error)
  return error
}
