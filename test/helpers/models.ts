import { join } from 'node:path'

type JsonCli = (args: string[], expectCode?: number) => Promise<any>

/** A generated tiny GGUF in `<root>/weights`, published to the home's IPFS repo and minted by dev account 0. */
export async function publishTinyModel(cli: JsonCli, root: string, options: { seed: number; name: string }): Promise<{ weights: string; modelId: string }> {
  const weights = join(root, 'weights')
  // No mkdir: `dev gguf --out` creates the folder (a newcomer's first command in the README).
  const written = await cli(['dev', 'gguf', '--preset', 'tiny', '--seed', String(options.seed), '--out', join(weights, 'model.gguf')])
  if (written.result.layers !== 2) throw new Error(`the tiny preset changed: ${JSON.stringify(written.result)}`)
  const published = await cli(['model', 'publish', weights, '--name', options.name, '--dev-account', '0', '--yes'])
  return { weights, modelId: String(published.result.model.modelId) }
}
