import { describe, expect, it } from 'vitest'
import { closestMatch, editDistance } from '../../src/cli/suggest.js'

describe('suggestions for typos', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('status', 'status')).toBe(0)
    expect(editDistance('stauts', 'status')).toBe(1)
    expect(editDistance('chian', 'chain')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it('suggests the closest candidate only when it is plausibly a typo', () => {
    const commands = ['chain up', 'chain down', 'chain status', 'wallet list']
    expect(closestMatch('chain stauts', commands)).toBe('chain status')
    expect(closestMatch('wallet lst', commands)).toBe('wallet list')
    expect(closestMatch('publish everything now', commands)).toBeUndefined()
    expect(closestMatch('--rpc-ur', ['--rpc-url', '--home', '--json'])).toBe('--rpc-url')
  })
})
