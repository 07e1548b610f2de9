import { existsSync } from 'node:fs'
import { copyFile, readFile } from 'node:fs/promises'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { AlreadyDeployedError, DeploymentsCorruptError, DeploymentsMismatchError } from '../../chain/errors.js'
import { checkDeployments, deploymentsFile, writeDeployments, type Deployments } from '../../chain/protocol/deployments.js'

export type AdoptDeploymentParams = {
  /** A deployments file (`<home>/deployments/<chainId>.json` of another home, or one shared by a team). */
  file: string
  /** Replace this home's own record for the chain (kept as `.bak`). */
  force?: boolean | undefined
}
export type AdoptDeploymentReturnType = { deployments: Deployments; file: string }
/** DEPLOYMENTS_CORRUPT, DEPLOYMENTS_MISMATCH (another chain, or no code at an address), ALREADY_DEPLOYED, RPC_UNREACHABLE. */
export type AdoptDeploymentErrorType = ModeldaoError

/**
 * Lets this home use a protocol deployment that already exists on its chain, instead of deploying another copy: the
 * file is checked against the chain (chain id, genesis block, code at every address) and recorded for this home.
 * @example await adoptDeployment(md, { file: '/home/alice/.modeldao/deployments/31337.json' })
 */
export async function adoptDeployment(ctx: ModeldaoContext, params: AdoptDeploymentParams): Promise<AdoptDeploymentReturnType> {
  let deployments: Deployments
  try {
    deployments = JSON.parse(await readFile(params.file, 'utf8')) as Deployments
  } catch (error) {
    throw new DeploymentsCorruptError(params.file, error)
  }
  const connection = await ctx.chain()
  if (deployments?.version !== 1 || typeof deployments.contracts !== 'object' || deployments.chainId !== connection.chainId) {
    throw new DeploymentsMismatchError({ chainId: connection.chainId, file: params.file, reason: `it describes chain ${deployments?.chainId} (format version ${deployments?.version})` })
  }
  const check = await checkDeployments(connection, deployments)
  if (!check.ok) throw new DeploymentsMismatchError({ chainId: connection.chainId, file: params.file, reason: check.reason })
  const own = deploymentsFile(ctx.home.deployments, connection.chainId)
  if (existsSync(own)) {
    if (!params.force) throw new AlreadyDeployedError(connection.chainId, own)
    await copyFile(own, `${own}.bak`)
  }
  return { deployments, file: await writeDeployments(ctx.home.deployments, deployments) }
}
