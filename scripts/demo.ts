// `npm run demo`: builds quietly (contracts, ABIs, the CLI), then runs `modeldao demo` with the arguments given
// (`npm run demo -- --keep`, `-- --json`, `-- --step`). `--skip-build` skips the build (the tests have built already).
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2).filter((a) => a !== '--skip-build')

if (!process.argv.includes('--skip-build')) {
  const started = performance.now()
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout}${build.stderr}`)
    console.error(`✗ the build failed (exit ${build.status}); the demo did not start.`)
    process.exit(build.status ?? 1)
  }
  if (!args.includes('--json')) console.log(`✓ built contracts, ABIs and the CLI (${((performance.now() - started) / 1000).toFixed(1)}s)`)
}

// The CLI handles Ctrl-C itself (it stops everything it started); this script only waits for it.
const demo = spawn(process.execPath, [join(root, 'bin/run.js'), 'demo', ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: '1' } })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {})
demo.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
