// The README's first screen is what a newcomer follows: every command it names must exist, every npm script it names
// must be defined, and it must not send anyone to a registry package that does not exist.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')
const firstScreen = readme.slice(0, readme.indexOf('## What works today'))
const scripts = Object.keys((JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts)

/** `modeldao chain up …` / `./bin/run.js model get …` → ['chain', 'up'] / ['model', 'get']. */
const invocations = [...readme.matchAll(/(?:\.\/bin\/run\.js|\$ modeldao|`modeldao) ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)].map((m) => [m[1]!, m[2]])

describe('README', () => {
  it('never tells people to install a registry package that does not exist', () => {
    expect(readme).not.toMatch(/npm install -g modeldao\b/)
  })

  it('names only commands that exist', () => {
    expect(invocations.length).toBeGreaterThan(10)
    for (const [topic, verb] of invocations) {
      const asTopic = verb !== undefined && (existsSync(`${root}src/commands/${topic}/${verb}.ts`) || existsSync(`${root}src/commands/${topic}/${verb}`))
      const asCommand = existsSync(`${root}src/commands/${topic}.ts`) || existsSync(`${root}src/commands/${topic}/index.ts`) || topic === 'help' // help comes from @oclif/plugin-help
      expect(asTopic || asCommand, `modeldao ${topic} ${verb ?? ''}`).toBe(true)
    }
  })

  it('names only npm scripts that exist, and starts with the two set-up commands', () => {
    for (const [, name] of readme.matchAll(/npm run ([a-z:]+)/g)) expect(scripts, `npm run ${name}`).toContain(name)
    expect(firstScreen).toMatch(/npm ci && npm run demo/)
    expect(firstScreen).toMatch(/npm ci && npm test/)
  })

  it('explains the flow in a diagram, has a quick start for each kind of user, and shows the benchmark table', () => {
    expect(firstScreen).toMatch(/```mermaid\nflowchart/)
    for (const role of ['Model creator', 'Investor', 'Token holder', 'Operator', 'Client', 'Validator']) expect(firstScreen).toMatch(new RegExp(`### ${role}`))
    expect(readme).toMatch(/## Beyond one machine/)
    expect(readme).toMatch(/## Security notes/)
    expect(readme).toMatch(/\| benchmark \| metric \| modeldao \| anchor \(same run\) \| ratio \| target \|/)
  })
})
