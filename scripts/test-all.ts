// `npm test`: builds (contracts, ABIs, TypeScript), runs vitest (unit + integration) and forge test, then prints one
// combined line "N passed, N failed" that CI reads. Exit code is non-zero if anything failed or could not run.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const run = (command: string, args: string[], capture = false) =>
  spawnSync(command, args, { cwd: root, stdio: capture ? ['inherit', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })

// The build's output (contract sizes, manifests) is shown only when it fails: a passing run ends with the test lines.
const started = Date.now()
const build = run('npm', ['run', '--silent', 'build'], true)
if (build.status === 0) console.log(`npm test: built in ${((Date.now() - started) / 1000).toFixed(0)} s`)
if (build.status !== 0) {
  process.stdout.write(build.stdout ?? '')
  process.stderr.write(build.stderr ?? '')
  console.error('\nnpm test: the build failed; no tests ran.')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

const reportDir = mkdtempSync(join(tmpdir(), 'modeldao-vitest-'))
const reportFile = join(reportDir, 'report.json')
const vitest = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)])
let tsPassed = 0
let tsFailed = 0
let failures: string[] = []
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestReport
  tsPassed = report.numPassedTests
  tsFailed = report.numFailedTests + (vitest.status !== 0 && report.numFailedTests === 0 ? 1 : 0)
  failures = failedTests(report)
} catch {
  tsFailed = 1
  console.error('npm test: vitest wrote no report (crashed?)')
}
rmSync(reportDir, { recursive: true, force: true })

// forge's suite-by-suite lines and invariant tables (~900 lines) are shown only when something failed; a passing run
// shows its summary lines.
const forge = run('npx', ['forge', 'test'], true)
if (forge.status !== 0) {
  process.stdout.write(forge.stdout ?? '')
  process.stderr.write(forge.stderr ?? '')
} else {
  for (const line of (forge.stdout ?? '').split('\n')) if (/^Ran \d+ test suites?/.test(line)) console.log(`forge: ${line}`)
}
const summary = /(\d+) tests? passed, (\d+) failed/.exec(forge.stdout ?? '')
const forgePassed = summary ? Number(summary[1]) : 0
const forgeFailed = summary ? Number(summary[2]) : 1
if (!summary) console.error('npm test: could not read the forge summary line')
if (forge.status !== 0 && forgeFailed === 0) console.error('npm test: forge exited non-zero')

// CI keeps only the tail of the log: name what failed right above the summary, not only in vitest's own report.
if (failures.length > 0) console.log(`\nvitest failures:\n${failures.join('\n')}`)
console.log(`\nvitest: ${tsPassed} passed, ${tsFailed} failed · forge: ${forgePassed} passed, ${forgeFailed} failed`)
const failed = tsFailed + forgeFailed + (forge.status !== 0 && forgeFailed === 0 ? 1 : 0)
console.log(`${tsPassed + forgePassed} passed, ${failed} failed`)
// Not process.exit(): writes to a pipe are asynchronous, and exiting at once can drop the tail of forge's output and
// the summary lines with it (seen in CI: the combined line went missing behind a large invariant table).
process.exitCode = failed === 0 && vitest.status === 0 && forge.status === 0 ? 0 : 1

type VitestReport = {
  numPassedTests: number
  numFailedTests: number
  testResults: { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[]
}

function failedTests(report: VitestReport): string[] {
  const lines: string[] = []
  for (const file of report.testResults) {
    const path = file.name.startsWith(root) ? file.name.slice(root.length) : file.name
    const failed = file.assertionResults.filter((test) => test.status === 'failed')
    if (failed.length === 0 && file.message) lines.push(`  ✗ ${path}: ${firstLine(file.message)}`)
    for (const test of failed) lines.push(`  ✗ ${path} › ${test.fullName}: ${firstLine(test.failureMessages[0] ?? '')}`)
  }
  return lines
}

function firstLine(message: string): string {
  return message.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? ''
}
