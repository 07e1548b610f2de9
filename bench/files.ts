import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { measure } from './measure.js'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const node = process.execPath
export const cli = `${node} ${join(root, 'bin/run.js')}`
export const bin = (name: string) => join(root, 'node_modules/.bin', name)
export const MB = 1e6

/** A file of `mib` MiB of random bytes (incompressible, no repeated blocks). */
export async function randomFile(dir: string, mib: number, name = `random-${mib}MiB.bin`): Promise<string> {
  const path = join(dir, name)
  await measure(`head -c ${mib * 1024 * 1024} /dev/urandom > ${path}`)
  return path
}

export type DaemonProcess = { child: ChildProcess; gateway: string; multiaddrs: string[]; stop: (signal?: NodeJS.Signals) => Promise<void> }

/** `modeldao ipfs daemon` over `home` on free loopback ports, as its own process (for benchmarks and tests). */
export async function startDaemon(home: string, extra: string[] = []): Promise<DaemonProcess> {
  const child = spawn(node, [join(root, 'bin/run.js'), 'ipfs', 'daemon', '--listen', '/ip4/127.0.0.1/tcp/0', '--gateway-port', '0', '--json', ...extra], {
    env: { ...process.env, MODELDAO_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const ready = await new Promise<{ gateway: string; multiaddrs: string[] }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line).result))
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code}`)))
  })
  return {
    child,
    ...ready,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill(signal)
      await exited
    },
  }
}
