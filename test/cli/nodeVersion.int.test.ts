// bin/run.js on a Node older than 22 (this machine's system Node is 20): in a checkout it re-runs itself on the
// project's own Node; elsewhere it says what is needed, in text and in JSON, before loading anything.
import { execFile, spawnSync } from 'node:child_process'
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/tempHome.js'

const run = promisify(execFile)
const runJs = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
/** The first `node` on the system PATH older than 22, if the machine has one. */
const oldNode = ['/usr/bin/node', '/usr/local/bin/node', '/bin/node'].find((path) => {
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.trim()
  return version && Number(version.slice(1).split('.')[0]) < 22
})

describe.skipIf(!oldNode)(`bin/run.js on an old Node (${oldNode ?? 'none on this machine'})`, () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeAll(async () => {
    home = await tempHome()
  })
  afterAll(async () => {
    await home.cleanup()
  })

  it('in a checkout, runs IPFS commands (node:sqlite) on the project’s own Node', async () => {
    const { stdout } = await run(oldNode!, [runJs, 'ipfs', 'pins', '--json'], { env: { ...process.env, MODELDAO_HOME: home.root } })
    expect(JSON.parse(stdout)).toEqual({ status: 0, result: { pins: [] }, warnings: [] })
  })

  it('without one, says which Node is needed and how to get it (exit 4, JSON under --json)', async () => {
    const lone = join(home.root, 'lone', 'bin')
    await mkdir(lone, { recursive: true })
    await copyFile(runJs, join(lone, 'run.js'))
    const json = await run(oldNode!, [join(lone, 'run.js'), 'model', 'info', 'x', '--json']).catch((error: { code: number; stdout: string }) => error)
    expect((json as { code: number }).code).toBe(4)
    expect(JSON.parse((json as { stdout: string }).stdout).error).toMatchObject({ code: 'NODE_TOO_OLD', message: expect.stringMatching(/needs Node\.js 22 or newer/) })
    const text = await run(oldNode!, [join(lone, 'run.js'), 'ipfs', 'pins']).catch((error: { code: number; stderr: string }) => error)
    expect((text as { stderr: string }).stderr).toMatch(/Hint: Install Node\.js 22 or 24 LTS/)
  })
})
