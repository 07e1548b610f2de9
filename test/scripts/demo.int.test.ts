// `npm run demo` is a newcomer's first contact: the story in one line per step, no tool noise, and a summary that
// says the money adds up.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const demo = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url))

describe('npm run demo (the suite has built already: --skip-build)', () => {
  it('prints one line per step and a summary in which everything adds up', async () => {
    const { stdout, stderr } = await run(process.execPath, [demo, '--skip-build'], { env: { ...process.env, NO_COLOR: '1' } })
    expect(stdout + stderr).not.toMatch(/warn|Warning|update available|note\[/i)
    const steps = stdout.split('\n').filter((l) => /^✓ +\d+\. /.test(l))
    expect(steps).toHaveLength(18)
    expect(stdout).toMatch(/the client made 6 paid streaming requests/)
    expect(stdout).toMatch(/3 of 3 mismatch/)
    expect(stdout).toMatch(/Everything adds up\. 18 steps in [\d.]+ s\./)
    expect(stdout).not.toMatch(/✗/)
  }, 180_000)
})
