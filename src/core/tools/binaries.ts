import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { ExitCode, ModeldaoError } from '../errors/base.js'

export type FoundryTool = 'anvil' | 'forge' | 'cast'

/** The npm platform package that ships each Foundry binary (linux-x64 only). */
const platformPackage: Record<FoundryTool, string> = {
  anvil: '@foundry-rs/anvil-linux-amd64',
  forge: '@foundry-rs/forge-linux-amd64',
  cast: '@foundry-rs/cast-linux-amd64',
}

export class ToolNotFoundError extends ModeldaoError {
  override name = 'ToolNotFoundError'
  constructor(tool: FoundryTool) {
    super('TOOL_NOT_FOUND', `The ${tool} binary was not found.`, {
      details: `Looked in the npm package ${platformPackage[tool]} (linux-x64 only), MODELDAO_${tool.toUpperCase()} and PATH.`,
      hints: [
        process.platform === 'linux' && process.arch === 'x64'
          ? `Reinstall modeldao with optional dependencies (npm install without --omit=optional), or set MODELDAO_${tool.toUpperCase()}=/path/to/${tool}.`
          : `Install Foundry (https://book.getfoundry.sh/getting-started/installation) so that ${tool} is on PATH, or set MODELDAO_${tool.toUpperCase()}=/path/to/${tool}.`,
      ],
    })
  }
}

/**
 * Finds a Foundry binary: `MODELDAO_<TOOL>` first, then the npm platform package, then PATH.
 * @throws {ToolNotFoundError}
 */
export function findFoundryTool(tool: FoundryTool): string {
  const fromEnv = process.env[`MODELDAO_${tool.toUpperCase()}`]
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new ToolNotFoundError(tool)
  }
  try {
    const require = createRequire(import.meta.url)
    const candidate = join(dirname(require.resolve(`${platformPackage[tool]}/package.json`)), 'bin', tool)
    if (existsSync(candidate)) return candidate
  } catch {
    // Not installed (another platform, or optional dependencies omitted): fall through to PATH.
  }
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue
    const candidate = join(folder, tool)
    if (existsSync(candidate)) return candidate
  }
  throw new ToolNotFoundError(tool)
}
