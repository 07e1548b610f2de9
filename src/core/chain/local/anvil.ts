import { spawn } from 'node:child_process'
import { existsSync, openSync, closeSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { atomicWriteFile } from '../../home/atomicWrite.js'
import { isProcessAlive } from '../../home/process.js'
import { findFoundryTool } from '../../tools/binaries.js'
import { connectChain, testClientFor, type ChainConnection } from '../rpc/connection.js'
import {
  LocalChainIdChangedError,
  LocalChainOtherIdRunningError,
  LocalChainResetWhileRunningError,
  LocalChainStartError,
  LocalChainStopTimeoutError,
  PortInUseError,
} from '../errors.js'
import { findFreePort, isPortFree } from './ports.js'

export const LOCAL_HOST = '127.0.0.1'
export const DEFAULT_LOCAL_PORT = 8545
export const DEFAULT_LOCAL_CHAIN_ID = 31337
/** anvil dumps its state this often (seconds), so a crash loses at most this much. */
const STATE_INTERVAL_SECONDS = 5

/** What `chain up` records about the anvil it started. */
export type LocalChainRecord = {
  pid: number
  host: string
  port: number
  rpcUrl: string
  chainId: number
  startedAt: string
  stateFile: string
  logFile: string
}

export type LocalChainFiles = { record: string; state: string; log: string; meta: string }

export function localChainFiles(localChainFolder: string): LocalChainFiles {
  return {
    record: join(localChainFolder, 'anvil.json'),
    state: join(localChainFolder, 'state.json'),
    log: join(localChainFolder, 'anvil.log'),
    /** Outlives the process: the chain id the saved state belongs to. */
    meta: join(localChainFolder, 'chain.json'),
  }
}


async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** The running local chain, or undefined. A record whose process is gone or not answering counts as not running. */
export async function findLocalChain(localChainFolder: string): Promise<LocalChainRecord | undefined> {
  const record = await readJson<LocalChainRecord>(localChainFiles(localChainFolder).record)
  if (!record || !isProcessAlive(record.pid)) return undefined
  try {
    await connectChain({ rpcUrl: record.rpcUrl, expectedChainId: record.chainId, timeoutMs: 2_000 })
    return record
  } catch {
    return undefined
  }
}

export type StartLocalChainParams = {
  localChainFolder: string
  /** Port to listen on; fails if taken. Default: 8545 when free, else any free port. */
  port?: number | undefined
  chainId?: number | undefined
  /** Throw away the saved state and start a fresh chain. */
  reset?: boolean | undefined
}

export type StartLocalChainResult = { record: LocalChainRecord; alreadyRunning: boolean; restoredState: boolean }

/**
 * Starts anvil on 127.0.0.1 in the background with its state persisted under the home folder, or reports the one
 * already running.
 * @throws {PortInUseError} the given port is taken.
 * @throws {LocalChainStartError} anvil exited or did not answer.
 * @throws {ToolNotFoundError} no anvil binary.
 */
export async function startLocalChain(params: StartLocalChainParams): Promise<StartLocalChainResult> {
  const files = localChainFiles(params.localChainFolder)
  const running = await findLocalChain(params.localChainFolder)
  if (running) {
    if (params.reset) {
      throw new LocalChainResetWhileRunningError(running.rpcUrl)
    }
    if (params.chainId !== undefined && params.chainId !== running.chainId) {
      throw new LocalChainOtherIdRunningError(running.chainId, running.rpcUrl)
    }
    return { record: running, alreadyRunning: true, restoredState: false }
  }
  const anvil = findFoundryTool('anvil')
  await mkdir(params.localChainFolder, { recursive: true })
  if (params.reset) await rm(files.state, { force: true })

  const saved = await readJson<{ chainId: number }>(files.meta)
  const hasState = existsSync(files.state)
  const chainId = params.chainId ?? (hasState ? saved?.chainId : undefined) ?? DEFAULT_LOCAL_CHAIN_ID
  if (hasState && saved && saved.chainId !== chainId) {
    throw new LocalChainIdChangedError(saved.chainId, chainId)
  }

  let port = params.port
  if (port !== undefined) {
    if (!(await isPortFree(LOCAL_HOST, port))) throw new PortInUseError(LOCAL_HOST, port)
  } else {
    port = (await isPortFree(LOCAL_HOST, DEFAULT_LOCAL_PORT)) ? DEFAULT_LOCAL_PORT : await findFreePort(LOCAL_HOST)
  }

  const log = openSync(files.log, 'a')
  const child = spawn(
    anvil,
    ['--host', LOCAL_HOST, '--port', String(port), '--chain-id', String(chainId), '--state', files.state, '--state-interval', String(STATE_INTERVAL_SECONDS)],
    { detached: true, stdio: ['ignore', log, log] },
  )
  closeSync(log)
  let exitCode: number | null | undefined
  child.once('exit', (code) => (exitCode = code))
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  child.unref()

  const rpcUrl = `http://${LOCAL_HOST}:${port}`
  const deadline = Date.now() + 20_000
  let connection: ChainConnection
  for (;;) {
    const failure = await Promise.race([spawnError, sleep(100).then(() => undefined)])
    if (failure) throw new LocalChainStartError(failure.message, '', files.log)
    if (exitCode !== undefined) throw new LocalChainStartError(`anvil exited with code ${exitCode}`, await logTail(files.log), files.log)
    try {
      connection = await connectChain({ rpcUrl, expectedChainId: chainId, timeoutMs: 1_000 })
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGTERM')
        throw new LocalChainStartError('no answer within 20 s', await logTail(files.log), files.log)
      }
    }
  }
  const record: LocalChainRecord = {
    pid: child.pid!,
    host: LOCAL_HOST,
    port,
    rpcUrl,
    chainId,
    startedAt: new Date().toISOString(),
    stateFile: files.state,
    logFile: files.log,
  }
  if (hasState) await continueClock(connection)
  await atomicWriteFile(files.record, `${JSON.stringify(record, null, 2)}\n`)
  await atomicWriteFile(files.meta, `${JSON.stringify({ chainId }, null, 2)}\n`)
  return { record, alreadyRunning: false, restoredState: hasState }
}

/**
 * anvil restores blocks from its state file but not the time offset that `chain advance` added: its next block would
 * be stamped with the wall clock, earlier than the last one. Move its clock to where the chain left off.
 */
async function continueClock(connection: ChainConnection): Promise<void> {
  const last = await connection.publicClient.getBlock()
  const behind = Number(last.timestamp) - Math.floor(Date.now() / 1000)
  if (behind >= 0) await testClientFor(connection).increaseTime({ seconds: behind + 1 })
}

async function logTail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

export type StopLocalChainResult = { stopped: boolean; record?: LocalChainRecord | undefined; stateFile: string }

/**
 * Stops the local anvil with SIGTERM (anvil saves its state on the way out) and waits for it to exit.
 * Not running is not an error: the result says `stopped: false`.
 */
export async function stopLocalChain(localChainFolder: string): Promise<StopLocalChainResult> {
  const files = localChainFiles(localChainFolder)
  const record = await readJson<LocalChainRecord>(files.record)
  if (!record || !isProcessAlive(record.pid)) {
    await rm(files.record, { force: true })
    return { stopped: false, record, stateFile: files.state }
  }
  process.kill(record.pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  while (isProcessAlive(record.pid)) {
    if (Date.now() > deadline) {
      throw new LocalChainStopTimeoutError(record.pid, STATE_INTERVAL_SECONDS)
    }
    await sleep(50)
  }
  await rm(files.record, { force: true })
  return { stopped: true, record, stateFile: files.state }
}
