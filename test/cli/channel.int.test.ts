// A client's payment channel through its whole life from the CLI, on a real anvil: open, list, status, deposit, ask to
// withdraw, refused while thawing, call off, ask again, take the money back after the thaw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../../src/core/chain/local/devAccounts.js'
import { chainHome, type ChainHome } from '../helpers/chainHome.js'
import { jsonCli } from '../helpers/cli.js'

describe('channel open|list|status|deposit|withdraw (CLI, real anvil)', () => {
  let chain: ChainHome
  const cli = jsonCli(() => chain.root)
  const operator = devAccount(1, 31337).address
  const payer = devAccount(2, 31337).address
  const balance = async () => BigInt((await cli(['token', 'balance', '--dev-account', '2'])).result.balance)

  beforeAll(async () => {
    chain = await chainHome()
    await cli(['token', 'faucet', '--amount', '10', '--dev-account', '2'])
  })
  afterAll(async () => chain?.stop())

  it('opens, records, tops up, and gives the unused money back only after the thaw', async () => {
    const before = await balance()
    const opened = (await cli(['channel', 'open', operator, '--amount', '3', '--withdrawal-delay', '15m', '--dev-account', '2'])).result
    expect(opened).toMatchObject({ payer, operator, authorizer: payer, amount: '3000000' })
    const channelId: string = opened.channelId

    const listed = (await cli(['channel', 'list'])).result.channels
    expect(listed).toEqual([expect.objectContaining({ channelId, payer, operator, balance: '3000000', withdrawal: null, withdrawalDelay: 900 })])
    // Like its neighbours it takes --dev-account (found by a newcomer: "Nonexistent flag"): that payer's channels only.
    expect((await cli(['channel', 'list', '--dev-account', '2'])).result.channels).toEqual(listed)
    expect((await cli(['channel', 'list', '--dev-account', '5'])).result.channels).toEqual([])

    await cli(['channel', 'deposit', channelId, '--amount', '1.5', '--dev-account', '2'])
    expect((await cli(['channel', 'status', channelId])).result).toMatchObject({ open: true, balance: '4500000' })
    expect(await balance()).toBe(before - 4_500_000n)

    // Ask for part, call it off, then ask for everything.
    const partial = (await cli(['channel', 'withdraw', channelId, '--amount', '1', '--dev-account', '2'])).result
    expect(partial).toMatchObject({ stage: 'requested', amount: '1000000' })
    expect((await cli(['channel', 'status', channelId])).result.withdrawal).toEqual({ amount: '1000000', thawEnd: partial.thawEnd })
    expect((await cli(['channel', 'withdraw', channelId, '--cancel', '--dev-account', '2'])).result.stage).toBe('cancelled')
    expect((await cli(['channel', 'status', channelId])).result.withdrawal).toBeNull()
    const all = (await cli(['channel', 'withdraw', channelId, '--dev-account', '2'])).result
    expect(all).toMatchObject({ stage: 'requested', amount: '4500000' })

    // The same command before the thaw ends: refused, naming when it ends.
    const early = await cli(['channel', 'withdraw', channelId, '--dev-account', '2'], 3)
    expect(early.error.code).toBe('REVERT_CHANNEL_WITHDRAWAL_THAWING')
    expect(early.error.message).toContain('thaws until')
    // Nobody but the payer can take it.
    const stranger = await cli(['channel', 'withdraw', channelId, '--dev-account', '3'], 3)
    expect(stranger.error.code).toBe('REVERT_CHANNEL_NOT_PAYER')

    await cli(['chain', 'advance', '--time', '16m'])
    const taken = (await cli(['channel', 'withdraw', channelId, '--dev-account', '2'])).result
    expect(taken).toMatchObject({ stage: 'withdrawn', amount: '4500000' })
    expect(await balance()).toBe(before)
    expect((await cli(['channel', 'status', channelId])).result).toMatchObject({ balance: '0', withdrawal: null })

    const empty = await cli(['channel', 'withdraw', channelId, '--dev-account', '2'], 3)
    expect(empty.error).toMatchObject({ code: 'CHANNEL_EMPTY' })
  })

  it('names bad input: a malformed channel id, an unknown channel, a bad delay', async () => {
    const malformed = await cli(['channel', 'status', '0x1234'], 2)
    expect(malformed.error.message).toBe('The channel id "0x1234" is not a channel id (0x and 64 hex digits).')
    const unknown = await cli(['channel', 'status', `0x${'ab'.repeat(32)}`], 3)
    expect(unknown.error.message).toBe(`There is no channel 0x${'ab'.repeat(32)} on this chain.`)
    const delay = await cli(['channel', 'open', operator, '--amount', '1', '--withdrawal-delay', '1m', '--dev-account', '2'], 3)
    expect(delay.error.code).toBe('REVERT_CHANNEL_INVALID_DELAY')
    // Found by a newcomer: these were "Unexpected error … report it".
    expect((await cli(['validator', 'vote', '0x1234', 'cheat', '--dev-account', '2'], 2)).error.message).toBe('The challenge id "0x1234" is not a challenge id (0x and 64 hex digits).')
    expect((await cli(['verify', 'receipt', './no-such-receipt.json'], 2)).error.message).toBe('The receipt ./no-such-receipt.json does not exist.')
    // The flag it names is the one given (it said --tokens), and a node URL without a scheme gets the fix.
    expect((await cli(['token', 'faucet', '--amount', 'abc', '--dev-account', '2'], 2)).error.message).toBe('--amount "abc" is not an amount.')
    const schemeless = (await cli(['chat', 'hi', '--node', '127.0.0.1:8000', '--dev-account', '2'], 2)).error
    expect(schemeless.message).toBe('--node "127.0.0.1:8000" is not an http(s) URL.')
    expect(schemeless.hints).toEqual(['Did you mean --node http://127.0.0.1:8000?'])
  })
})
