// `npm run demo`: the main job on the embedded default — a local chain, a local IPFS repo and a synthetic model.
// Builds quietly, starts (or reuses) the chain, generates a GGUF, publishes it with a model card and mints it as model
// shares, using the built CLI exactly as a user would. Prints the steps and the result; `npm run demo -- --verbose`
// shows every command's own output. Running it again is a no-op on chain: the same files give the same model.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const verbose = process.argv.includes('--verbose')
const started = performance.now()
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)}s`

/** Runs a step; its output is shown only with --verbose or when it fails. */
function step(label: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: verbose ? 'inherit' : 'pipe', env: { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: '1' } })
  if (result.status !== 0) {
    if (!verbose) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`)
    console.error(`✗ ${label} failed (exit ${result.status}). Run \`npm run demo -- --verbose\` for every detail.`)
    process.exit(result.status ?? 1)
  }
  return result.stdout ?? ''
}
const cli = (label: string, ...args: string[]) => JSON.parse(step(label, process.execPath, [join(root, 'bin/run.js'), ...args, '--json'])).result

if (!process.argv.includes('--skip-build')) {
  step('build', 'npm', ['run', '--silent', 'build'])
  console.log(`✓ built contracts, ABIs and the CLI (${seconds()})`)
}
const { homeLayout, resolveHome } = await import(join(root, 'dist/core/home/paths.js'))
const { writeTinyGguf } = await import(join(root, 'dist/core/models/syntheticModel.js'))

const chain = cli('start the local chain', 'chain', 'up')
console.log(`✓ local chain ${chain.alreadyRunning ? 'already running' : 'started'} at ${chain.record.rpcUrl} (chain ${chain.record.chainId})${chain.deployed ? ', protocol deployed' : ''}`)

const home = homeLayout(resolveHome())
const weights = join(home.root, 'demo', 'tiny-llama')
mkdirSync(weights, { recursive: true })
const parameters = await writeTinyGguf(join(weights, 'tiny-llama.gguf'), { layers: 4, embd: 64, vocab: 256 })
writeFileSync(join(weights, 'tokenizer.json'), `${JSON.stringify({ model: 'synthetic', vocab: 256 })}\n`)
console.log(`✓ generated a synthetic GGUF (${parameters} parameters) in ${weights}`)

const published = cli('publish and mint', 'model', 'publish', weights, '--name', 'tiny-llama', '--license', 'apache-2.0', '--dataset', 'synthetic-demo', '--dev-account', '0', '--yes')
const { model } = published
console.log(`✓ published to the local IPFS repo: manifest ${published.manifestCid}`)
console.log(
  model.alreadyRegistered
    ? `✓ model ${model.modelId} was already minted from these very files: nothing sent (${seconds()})`
    : `✓ model ${model.modelId} minted: 1,000,000 shares to dev account 0 (${seconds()})`,
)
console.log(`
Next:
  ./bin/run.js model info ${model.modelId}              the model card
  ./bin/run.js model get ${model.modelId} --out ./copy  fetch it back, verified block by block
  ./bin/run.js ipfs daemon              serve it to peers and over HTTP
  ./bin/run.js chain down               stop the chain (its state is kept)`)
