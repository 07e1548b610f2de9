import { existsSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createModeldao } from '../../../src/core/context/context.js'
import { tempHome } from '../../helpers/tempHome.js'

describe('createModeldao: one context, opened lazily', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => {
    await home.cleanup()
  })

  it('opens nothing until asked, opens the repo once, and closes it on dispose', async () => {
    const md = createModeldao({ home: home.root })
    expect(md.home.ipfs).toBe(`${home.root}/ipfs`)
    expect(md.repoOpen).toBe(false)
    expect(existsSync(md.home.ipfs)).toBe(false)
    const repo = md.repo()
    expect(md.repo()).toBe(repo)
    expect(md.repoOpen).toBe(true)
    await md[Symbol.asyncDispose]()
    expect(md.repoOpen).toBe(false)
  })

  it('without a local chain or an RPC, asking for the chain fails clearly, and is retried on the next call', async () => {
    const md = createModeldao({ home: home.root })
    await expect(md.chain()).rejects.toMatchObject({ code: 'LOCAL_CHAIN_NOT_RUNNING', exitCode: 4 })
    await expect(md.chain()).rejects.toMatchObject({ code: 'LOCAL_CHAIN_NOT_RUNNING' })
    await expect(md.deployments()).rejects.toMatchObject({ code: 'LOCAL_CHAIN_NOT_RUNNING' })
  })

  it('asks for passwords only through the callback it was given', async () => {
    await expect(createModeldao({ home: home.root }).password({ purpose: 'keystore "a"' })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' })
    const asked: string[] = []
    const md = createModeldao({ home: home.root, getPassword: async ({ purpose, confirm }) => (asked.push(`${purpose}${confirm ? ' (twice)' : ''}`), 'secret') })
    expect(await md.password({ purpose: 'the new keystore "b"', confirm: true })).toBe('secret')
    expect(asked).toEqual(['the new keystore "b" (twice)'])
  })
})
