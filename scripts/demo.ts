// `npm run demo`: the main job on the embedded default — a local chain, a local IPFS repo and a synthetic model.
// Starts (or reuses) the chain, publishes a generated GGUF with a model card to IPFS, mints it as model shares on
// chain, and prints the chain status and the model card. Uses the built CLI exactly as a user would.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { homeLayout, resolveHome } from '../dist/core/home/paths.js'
import { writeTinyGguf } from '../dist/core/models/syntheticModel.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = (...args: string[]) => {
  console.log(`\n$ modeldao ${args.join(' ')}`)
  const result = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const home = homeLayout(resolveHome())
const weights = join(home.root, 'demo', 'tiny-llama')
mkdirSync(weights, { recursive: true })
const parameters = await writeTinyGguf(join(weights, 'tiny-llama.gguf'), { layers: 4, embd: 64, vocab: 256 })
writeFileSync(join(weights, 'tokenizer.json'), `${JSON.stringify({ model: 'synthetic', vocab: 256 })}\n`)
console.log(`Generated a synthetic GGUF with ${parameters} parameters in ${weights}`)

cli('chain', 'up')
cli('model', 'publish', weights, '--name', 'tiny-llama', '--license', 'apache-2.0', '--dataset', 'synthetic-demo', '--dev-account', '0', '--yes')
cli('chain', 'status')
