import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { findFreePort } from '../../src/core/chain/local/ports.js'
import { runCli } from './cli.js'
import { tempHome } from './tempHome.js'

export type ChainHome = Awaited<ReturnType<typeof tempHome>> & { port: number; rpcUrl: string; stop: () => Promise<void> }

/** A fresh home with its own local chain (anvil + the protocol) started through the CLI. `stop` ends and removes both. */
export async function chainHome(): Promise<ChainHome> {
  const home = await tempHome()
  const port = await findFreePort()
  const up = await runCli(['chain', 'up', '--port', String(port), '--json'], { home: home.root })
  expect(up.code, up.stderr).toBe(0)
  return {
    ...home,
    port,
    rpcUrl: up.json.result.record.rpcUrl,
    stop: async () => {
      await runCli(['chain', 'down'], { home: home.root })
      await home.cleanup()
    },
  }
}

/** A fresh, empty home that uses another home's chain (through --rpc-url) and knows its deployments. */
export async function homeOnChain(chain: ChainHome): Promise<Awaited<ReturnType<typeof tempHome>> & { args: string[] }> {
  const home = await tempHome()
  await mkdir(home.deployments, { recursive: true })
  await copyFile(join(chain.deployments, '31337.json'), join(home.deployments, '31337.json'))
  return { ...home, args: ['--rpc-url', chain.rpcUrl] }
}
