// Time travel on development nodes other than anvil: a real Hardhat node (EDR, prebuilt, from npm) on loopback.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advanceTime } from '../../../../src/core/actions/chain/advanceTime.js'
import { mineBlocks } from '../../../../src/core/actions/chain/mineBlocks.js'
import { findFreePort } from '../../../../src/core/chain/local/ports.js'
import { connectChain } from '../../../../src/core/chain/rpc/connection.js'
import { createModeldao, type ModeldaoContext } from '../../../../src/core/context/context.js'
import { tempHome } from '../../../helpers/tempHome.js'

const hardhat = fileURLToPath(new URL('../../../../node_modules/.bin/hardhat', import.meta.url))
const projects = fileURLToPath(new URL('../../../../.modeldao-test/', import.meta.url))

describe('chain mine / advance against a Hardhat node', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let node: ChildProcess
  let rpcUrl: string
  let md: ModeldaoContext
  let project: string
  beforeAll(async () => {
    home = await tempHome()
    // Hardhat runs only from a project that has it installed: a git-ignored folder inside this checkout.
    await mkdir(projects, { recursive: true })
    project = await mkdtemp(join(projects, 'hardhat-'))
    const config = join(project, 'hardhat.config.cjs')
    await writeFile(config, 'module.exports = { networks: { hardhat: { chainId: 31337 } } }\n')
    const port = await findFreePort()
    node = spawn(process.execPath, [hardhat, 'node', '--hostname', '127.0.0.1', '--port', String(port), '--config', config], {
      cwd: project,
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: node.stdout! }).on('line', (line) => line.includes('Started HTTP') && resolve())
      node.once('exit', (code) => reject(new Error(`hardhat node exited (${code})`)))
    })
    rpcUrl = `http://127.0.0.1:${port}`
    md = createModeldao({ home: home.root, rpcUrl })
  }, 60_000)
  afterAll(async () => {
    const exited = new Promise((resolve) => node.once('exit', resolve))
    node.kill('SIGTERM')
    await exited
    await home.cleanup()
    await rm(project, { recursive: true, force: true })
  })

  it('mines through hardhat_mine and moves time in one evm_mine step; the clock then continues from there', async () => {
    const connection = await connectChain({ rpcUrl })
    const before = await connection.publicClient.getBlock()
    const mined = await mineBlocks(md, { blocks: 5 })
    expect(mined.node).toBe('hardhat')
    expect(BigInt(mined.blockNumber)).toBe(before.number + 5n)
    const advanced = await advanceTime(md, { seconds: 2 * 86_400 })
    expect(advanced.node).toBe('hardhat')
    expect(Date.parse(advanced.blockTimestamp) / 1000).toBeGreaterThanOrEqual(Number(before.timestamp) + 2 * 86_400)
    const next = await mineBlocks(md, { blocks: 1 })
    expect(Date.parse(next.blockTimestamp)).toBeGreaterThanOrEqual(Date.parse(advanced.blockTimestamp))
  })
})
