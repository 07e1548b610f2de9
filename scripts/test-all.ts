// `npm test`: builds (contracts, ABIs, TypeScript), runs vitest (unit + integration) and forge test, then prints one
// combined line "N passed, N failed" that CI reads. Exit code is non-zero if anything failed or could not run.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const run = (command: string, args: string[], capture = false) => {
  const result = spawnSync(command, args, { cwd: root, stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' })
  if (capture && result.stdout) process.stdout.write(result.stdout)
  return result
}

const build = run('npm', ['run', '--silent', 'build'])
if (build.status !== 0) {
  console.error('\nnpm test: the build failed; no tests ran.')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

const reportDir = mkdtempSync(join(tmpdir(), 'modeldao-vitest-'))
const reportFile = join(reportDir, 'report.json')
const vitest = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)])
let tsPassed = 0
let tsFailed = 0
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number }
  tsPassed = report.numPassedTests
  tsFailed = report.numFailedTests + (vitest.status !== 0 && report.numFailedTests === 0 ? 1 : 0)
} catch {
  tsFailed = 1
  console.error('npm test: vitest wrote no report (crashed?)')
}
rmSync(reportDir, { recursive: true, force: true })

const forge = run('npx', ['forge', 'test'], true)
const summary = /(\d+) tests? passed, (\d+) failed/.exec(forge.stdout ?? '')
const forgePassed = summary ? Number(summary[1]) : 0
const forgeFailed = summary ? Number(summary[2]) : 1
if (!summary) console.error('npm test: could not read the forge summary line')
if (forge.status !== 0 && forgeFailed === 0) console.error('npm test: forge exited non-zero')

console.log(`\nvitest: ${tsPassed} passed, ${tsFailed} failed · forge: ${forgePassed} passed, ${forgeFailed} failed`)
const failed = tsFailed + forgeFailed + (forge.status !== 0 && forgeFailed === 0 ? 1 : 0)
console.log(`${tsPassed + forgePassed} passed, ${failed} failed`)
process.exit(failed === 0 && vitest.status === 0 && forge.status === 0 ? 0 : 1)
