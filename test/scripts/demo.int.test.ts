// `npm run demo` is a newcomer's first contact: a few lines that say what happened and what to do next, no tool noise,
// and running it twice mints nothing new.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempHome } from '../helpers/tempHome.js'

const run = promisify(execFile)
const demo = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url))

describe('npm run demo (the suite has built already: --skip-build)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeAll(async () => {
    home = await tempHome()
  })
  afterAll(async () => {
    await runCli(['chain', 'down'], { home: home.root })
    await home.cleanup()
  })

  it('prints the steps and the result in a few lines; a second run is a no-op on chain', async () => {
    const env = { ...process.env, MODELDAO_HOME: home.root }
    const first = await run(process.execPath, [demo, '--skip-build'], { env })
    const lines = first.stdout.trim().split('\n')
    expect(lines.length).toBeLessThanOrEqual(15)
    expect(first.stdout + first.stderr).not.toMatch(/warn|Warning|update available|note\[/i)
    expect(first.stdout).toMatch(/✓ model 1 minted/)
    expect(first.stdout).toMatch(/model info 1/)
    const manifest = /manifest (\S+)/.exec(first.stdout)![1]
    const second = await run(process.execPath, [demo, '--skip-build'], { env })
    expect(second.stdout).toContain(`manifest ${manifest}`)
    expect(second.stdout).toMatch(/✓ model 1 was already minted from these very files: nothing sent/)
  }, 120_000)
})
