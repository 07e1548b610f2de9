import { createServer, type Server } from 'node:net'
import { rm } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { connectChain, walletClientFor } from '../../../src/core/chain/rpc/connection.js'
import { advanceTime } from '../../../src/core/actions/chain/advanceTime.js'
import { deployProtocol } from '../../../src/core/actions/chain/deployProtocol.js'
import { mineBlocks } from '../../../src/core/actions/chain/mineBlocks.js'
import { createModeldao, type ModeldaoContext } from '../../../src/core/context/context.js'
import { readDeployments } from '../../../src/core/chain/protocol/deployments.js'
import { devAccount } from '../../../src/core/chain/local/devAccounts.js'
import { ChainIdMismatchError, PortInUseError, RpcUnreachableError, LocalChainNotRunningError } from '../../../src/core/chain/errors.js'
import { findLocalChain, localChainFiles, stopLocalChain } from '../../../src/core/chain/local/anvil.js'
import { findFreePort } from '../../../src/core/chain/local/ports.js'
import { getChainStatus } from '../../../src/core/actions/chain/getChainStatus.js'
import { chainUp } from '../../../src/core/actions/chain/chainUp.js'
import { testUSDAbi } from '../../../src/core/chain/protocol/generated/contracts.js'
import { isProcessAlive } from '../../../src/core/home/process.js'
import { tempHome } from '../../helpers/tempHome.js'

describe('local chain lifecycle (real anvil)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let md: ModeldaoContext
  beforeEach(async () => {
    home = await tempHome()
    md = createModeldao({ home: home.root })
  })
  afterEach(async () => {
    await md.dispose()
    await stopLocalChain(home.localChain)
    await home.cleanup()
  })

  const up = async (extra: { port?: number; chainId?: number; reset?: boolean } = {}) => chainUp(md, { port: extra.port ?? (await findFreePort()), ...extra })

  it('starts anvil on 127.0.0.1, deploys once, and reports the running one on a second call', async () => {
    const first = await up()
    expect(first.record.host).toBe('127.0.0.1')
    expect(first.deployed).toBe(true)
    expect(first.deployments.contracts.TestUSD?.address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(await readDeployments(home.deployments, 31337)).toEqual(first.deployments)

    const second = await up()
    expect(second.alreadyRunning).toBe(true)
    expect(second.deployed).toBe(false)
    expect(second.record.pid).toBe(first.record.pid)

    const status = await getChainStatus(md)
    expect(status.healthy).toBe(true)
    expect(status.chainId).toBe(31337)
    expect(BigInt(status.blockNumber)).toBeGreaterThan(0n)
    expect(status.accounts).toHaveLength(10)
  })

  it('keeps balances and contracts across chain down / chain up', async () => {
    const first = await up()
    const connection = await connectChain({ rpcUrl: first.record.rpcUrl })
    const token = first.deployments.paymentToken
    const holder = devAccount(3, 31337)
    const wallet = walletClientFor(connection, holder)
    const hash = await wallet.writeContract({ address: token, abi: testUSDAbi, functionName: 'faucet', args: [holder.address, parseUnits('123.45', 6)] })
    await connection.publicClient.waitForTransactionReceipt({ hash })
    const moved = await advanceTime(md, { seconds: 86_400 })

    const stopped = await stopLocalChain(home.localChain)
    expect(stopped.stopped).toBe(true)
    expect(await findLocalChain(home.localChain)).toBeUndefined()

    const again = await up()
    expect(again.alreadyRunning).toBe(false)
    expect(again.restoredState).toBe(true)
    expect(again.deployed).toBe(false)
    const reconnected = await connectChain({ rpcUrl: again.record.rpcUrl })
    const balance = await reconnected.publicClient.readContract({ address: token, abi: testUSDAbi, functionName: 'balanceOf', args: [holder.address] })
    expect(balance).toBe(parseUnits('123.45', 6))
    const block = await reconnected.publicClient.getBlock()
    expect(block.number).toBeGreaterThanOrEqual(BigInt(moved.blockNumber))
  })

  it('after chain down / chain up the clock continues from the last block, never earlier (time travel included)', async () => {
    const first = await up()
    const advanced = await advanceTime(md, { seconds: 2 * 86_400 })
    const before = await (await connectChain({ rpcUrl: first.record.rpcUrl })).publicClient.getBlock()
    expect(Number(before.timestamp)).toBeGreaterThan(Date.now() / 1000 + 86_400)
    await stopLocalChain(home.localChain)
    await md.dispose()
    md = createModeldao({ home: home.root })
    const again = await up()
    expect(again.restoredState).toBe(true)
    const mined = await mineBlocks(md, { blocks: 1 })
    expect(BigInt(mined.blockNumber)).toBe(before.number + 1n)
    expect(Date.parse(mined.blockTimestamp)).toBeGreaterThanOrEqual(Date.parse(advanced.blockTimestamp))
  })

  it('mines blocks and advances time', async () => {
    const { record } = await up()
    const connection = await connectChain({ rpcUrl: record.rpcUrl })
    const before = await connection.publicClient.getBlock()
    const mined = await mineBlocks(md, { blocks: 5 })
    expect(BigInt(mined.blockNumber)).toBe(before.number + 5n)
    const advanced = await advanceTime(md, { seconds: 7 * 86_400 })
    expect(Date.parse(advanced.blockTimestamp) / 1000).toBeGreaterThanOrEqual(Number(before.timestamp) + 7 * 86_400)
  })

  it('redeploys when the saved chain is discarded with --reset, so stale addresses never pass as healthy', async () => {
    const first = await up()
    await stopLocalChain(home.localChain)
    const fresh = await up({ reset: true })
    expect(fresh.restoredState).toBe(false)
    expect(fresh.deployed).toBe(true)
    expect(fresh.redeployReason).toMatch(/genesis|no code/)
    expect(Number(fresh.deployments.contracts.TestUSD!.blockNumber)).toBeLessThanOrEqual(Number(first.deployments.contracts.TestUSD!.blockNumber))
  })

  it('refuses a port in use with PortInUseError', async () => {
    const port = await findFreePort()
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      await expect(up({ port })).rejects.toBeInstanceOf(PortInUseError)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it('refuses to restart saved state under another chain id', async () => {
    await up()
    await stopLocalChain(home.localChain)
    await expect(up({ chainId: 1337 })).rejects.toThrow(/saved local chain has id 31337/)
  })

  it('reports an unreachable RPC and a chain id mismatch clearly', async () => {
    const port = await findFreePort()
    await expect(connectChain({ rpcUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 })).rejects.toBeInstanceOf(RpcUnreachableError)
    const { record } = await up()
    await expect(connectChain({ rpcUrl: record.rpcUrl, expectedChainId: 1 })).rejects.toBeInstanceOf(ChainIdMismatchError)
  })

  it('status without a running chain says how to start one', async () => {
    await expect(getChainStatus(md)).rejects.toBeInstanceOf(
      LocalChainNotRunningError,
    )
  })

  it('deploy to any RPC refuses to replace a deployment without force, and keeps a backup with it', async () => {
    const { record } = await up()
    const deployer = createModeldao({ home: home.root, rpcUrl: record.rpcUrl, devAccount: 1 })
    const account = devAccount(1, 31337)
    await expect(deployProtocol(deployer, {})).rejects.toThrow(/already deployed/)
    const result = await deployProtocol(deployer, { force: true })
    expect(result.deployments.deployer).toBe(account.address)
    const { readFile } = await import('node:fs/promises')
    const backup = JSON.parse(await readFile(`${result.file}.bak`, 'utf8'))
    expect(backup.deployer).toBe(devAccount(0, 31337).address)
  })

  it('treats a record whose process is gone as not running', async () => {
    const { record } = await up()
    process.kill(record.pid, 'SIGKILL')
    // anvil is not our child (it runs detached), so wait for the kernel to reap it rather than for a fixed time.
    const deadline = Date.now() + 10_000
    while (isProcessAlive(record.pid) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve))
    expect(isProcessAlive(record.pid)).toBe(false)
    expect(await findLocalChain(home.localChain)).toBeUndefined()
    await rm(localChainFiles(home.localChain).record)
  })
})
