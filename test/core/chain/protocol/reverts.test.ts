import { BaseError, ContractFunctionRevertedError, encodeErrorResult, InsufficientFundsError as ViemInsufficientFunds, RawContractError, type Abi, type AbiParameter } from 'viem'
import { describe, expect, it } from 'vitest'
import * as generated from '../../../../src/core/chain/protocol/generated/contracts.js'
import { revertMessages } from '../../../../src/core/chain/protocol/revertMessages.js'
import { ContractRevertError, decodeTransactionError, revertCode } from '../../../../src/core/chain/protocol/reverts.js'
import { modelSharesAbi, testUSDAbi } from '../../../../src/core/chain/protocol/generated/contracts.js'
import { ModeldaoError } from '../../../../src/core/errors/base.js'

/** Every custom error in every generated ABI (protocol contracts, their interfaces, mocks, inherited OpenZeppelin). */
const allErrors = new Map<string, { inputs: readonly AbiParameter[]; from: string }>()
for (const [name, value] of Object.entries(generated)) {
  if (!name.endsWith('Abi')) continue
  for (const item of value as Abi) if (item.type === 'error' && !allErrors.has(item.name)) allErrors.set(item.name, { inputs: item.inputs, from: name })
}

/** A plausible value for an ABI input, so each message is rendered with real arguments. */
function sample(input: AbiParameter, index: number): unknown {
  if (input.type === 'address') return `0x${String(index + 1).padStart(40, '0')}`
  if (input.type === 'uint8') return 96n + BigInt(index)
  if (input.type === 'uint8' || input.type === 'uint16') return BigInt(100 + index)
  if (input.type.startsWith('uint') || input.type.startsWith('int')) return BigInt(1_700_000_000 + index)
  if (input.type === 'string') return 'a string'
  if (input.type.startsWith('bytes')) return `0x${'ab'.repeat(32)}`
  if (input.type === 'bool') return true
  throw new Error(`no sample for ${input.type}`)
}

const context = { call: 'ModelShares.createModel', account: '0x0000000000000000000000000000000000000001' as const, chainId: 31337 }

describe('decoded reverts', () => {
  it('finds the custom errors in the generated ABIs', () => {
    expect(allErrors.size).toBeGreaterThanOrEqual(50)
  })

  it.each([...allErrors.keys()].sort())('%s has a message, a hint and a stable code, and decodes from raw revert data', (errorName) => {
    const { inputs } = allErrors.get(errorName)!
    const entry = revertMessages[errorName as keyof typeof revertMessages]
    expect(entry, `add ${errorName} to src/core/chain/protocol/revertMessages.ts`).toBeDefined()
    const args = inputs.map(sample)
    const abi = [{ type: 'error', name: errorName, inputs }] as const satisfies Abi
    const data = encodeErrorResult({ abi: abi as Abi, errorName, args })
    const decoded = decodeTransactionError(new BaseError('call reverted', { cause: new RawContractError({ data }) }), context)
    expect(decoded).toBeInstanceOf(ContractRevertError)
    const error = decoded as ContractRevertError
    expect(error.code).toBe(revertCode(errorName))
    expect(error.code).toMatch(/^REVERT_[A-Z0-9_]+$/)
    expect(error.exitCode).toBe(3)
    expect(error.shortMessage).toMatch(/^ModelShares\.createModel reverted: .+\.$/)
    expect(error.shortMessage).not.toContain('undefined')
    expect(error.hints[0]).toBeTruthy()
    expect(Object.keys(error.args)).toEqual(inputs.map((input, i) => input.name || `arg${i}`))
    expect(error.details).toContain(errorName)
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: error.code, revert: { error: errorName } })
  })

  it('gives every error its own code', () => {
    const codes = [...allErrors.keys()].map(revertCode)
    expect(new Set(codes).size).toBe(codes.length)
    expect(revertCode('ModelSharesInvalidBps')).toBe('REVERT_MODEL_SHARES_INVALID_BPS')
    expect(revertCode('ERC1155InsufficientBalance')).toBe('REVERT_ERC1155_INSUFFICIENT_BALANCE')
    expect(revertCode('TestUSDFaucetLimitExceeded')).toBe('REVERT_TEST_USD_FAUCET_LIMIT_EXCEEDED')
  })

  it('decodes an error viem already decoded with the called contract’s ABI, with its arguments', () => {
    const data = encodeErrorResult({ abi: modelSharesAbi, errorName: 'ModelSharesInvalidBps', args: [3000n, 2500n] })
    const viemError = new BaseError('simulation failed', { cause: new ContractFunctionRevertedError({ abi: modelSharesAbi, data, functionName: 'createModel' }) })
    const error = decodeTransactionError(viemError, context) as ContractRevertError
    expect(error.shortMessage).toBe('ModelShares.createModel reverted: 30% is above the maximum of 25%.')
    expect(error.args).toEqual({ bps: '3000', max: '2500' })
  })

  it('decodes an error raised by another protocol contract than the one called (the payment token)', () => {
    const data = encodeErrorResult({ abi: testUSDAbi, errorName: 'ERC20InsufficientBalance', args: [context.account, 5n, 10n] })
    const viemError = new BaseError('simulation failed', { cause: new ContractFunctionRevertedError({ abi: modelSharesAbi, data, functionName: 'createModel' }) })
    expect(decodeTransactionError(viemError, context)).toMatchObject({ code: 'REVERT_ERC20_INSUFFICIENT_BALANCE', exitCode: 3 })
  })

  it('names a lack of gas money with a hint, and leaves unrelated errors alone', () => {
    const broke = decodeTransactionError(new BaseError('send failed', { cause: new ViemInsufficientFunds() }), context)
    expect(broke).toMatchObject({ code: 'INSUFFICIENT_FUNDS', exitCode: 3 })
    expect((broke as ModeldaoError).hints[0]).toMatch(/native currency/)
    const other = new Error('socket hang up')
    expect(decodeTransactionError(other, context)).toBe(other)
  })

  it('reports unknown revert data as TX_REVERTED with its selector, never as an internal error', () => {
    const error = decodeTransactionError(new BaseError('reverted', { cause: new RawContractError({ data: '0xdeadbeef00' }) }), context)
    expect(error).toMatchObject({ code: 'TX_REVERTED', exitCode: 3 })
    expect((error as ModeldaoError).shortMessage).toContain('0xdeadbeef')
  })
})
