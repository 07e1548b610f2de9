import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const runJs = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export type CliResult = { code: number; stdout: string; stderr: string; json: any }

/**
 * Runs the built CLI (bin/run.js over dist/) as a real process with the project's Node.
 * `json` is stdout parsed as JSON when it is JSON.
 */
export function runCli(args: string[], options: { home: string; env?: Record<string, string>; input?: string } ): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, MODELDAO_HOME: options.home, NO_COLOR: '1', ...options.env }
    for (const key of ['MODELDAO_PASSWORD', 'MODELDAO_PRIVATE_KEY', 'MODELDAO_RPC_URL', 'MODELDAO_ACCOUNT', 'MODELDAO_CHAIN_ID']) {
      if (!options.env?.[key]) delete env[key]
    }
    const child = spawn(process.execPath, [runJs, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.stdin.end(options.input ?? '')
    child.once('error', reject)
    child.once('close', (code) => {
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({ code: code ?? -1, stdout, stderr, json })
    })
  })
}

export type RunningCli = { ready: any; stdout: () => string; stderr: () => string; stop: () => Promise<number>; kill: () => Promise<number> }

/**
 * Starts a long-running command (`node serve`, `ipfs daemon`) with --json and resolves with its ready line.
 * Rejects with the output if the process exits first. `stop` sends SIGTERM and resolves with the exit code.
 */
export function startCli(args: string[], options: { home: string; env?: Record<string, string> }): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, MODELDAO_HOME: options.home, NO_COLOR: '1', ...options.env }
    const child = spawn(process.execPath, [runJs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let ready = false
    const exited = new Promise<number>((done) => child.once('close', (code) => done(code ?? -1)))
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.on('data', (d) => {
      stdout += d
      if (ready) return
      const line = stdout.split('\n').find((l) => l.includes('"ready":true'))
      if (!line) return
      ready = true
      resolve({
        ready: JSON.parse(line).result,
        stdout: () => stdout,
        stderr: () => stderr,
        stop: async () => {
          child.kill('SIGTERM')
          return exited
        },
        // A crash: no shutdown work at all.
        kill: async () => {
          child.kill('SIGKILL')
          return exited
        },
      })
    })
    void exited.then((code) => {
      if (!ready) reject(Object.assign(new Error(`exited with ${code} before ready: ${stdout}${stderr}`), { code, stdout, stderr }))
    })
  })
}

/**
 * `--json` runs of the CLI in one home, each checked for its exit code (0 unless told), returning the parsed JSON.
 * The home is read at each call: suites create it in `beforeAll`.
 */
export function jsonCli(home: () => string): (args: string[], expectCode?: number) => Promise<any> {
  return async (args, expectCode = 0) => {
    const result = await runCli([...args, '--json'], { home: home() })
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(expectCode)
    return result.json
  }
}
