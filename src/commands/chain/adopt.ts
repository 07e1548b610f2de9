import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { adoptDeployment, type AdoptDeploymentReturnType } from '../../core/actions/chain/adoptDeployment.js'

export default class ChainAdopt extends BaseCommand<typeof ChainAdopt> {
  static override summary = 'Use a protocol deployment that already exists on the chain (from its deployments file) instead of deploying another.'
  static override description = `A second home (another user, another machine) on the same chain needs the addresses of the deployed contracts.
The file is checked against the chain (chain id, genesis block, code at every address) and recorded for this home.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> ~/.modeldao/deployments/31337.json --home ./other-home --rpc-url http://127.0.0.1:8545',
    '<%= config.bin %> <%= command.id %> team-deployments.json --rpc-url https://rpc.example.org --force',
  ]
  static override args = { file: Args.file({ description: 'A deployments file (<home>/deployments/<chainId>.json).', required: true, exists: true }) }
  static override flags = {
    force: Flags.boolean({ summary: "Replace this home's own record for the chain (kept as .bak).", default: false }),
  }

  async run(): Promise<AdoptDeploymentReturnType> {
    const result = await adoptDeployment(this.ctx, { file: this.args.file, force: this.flags.force })
    this.log(`Adopted the deployment on chain ${result.deployments.chainId}; recorded in ${result.file}:`)
    this.logContracts(result.deployments.contracts)
    return result
  }
}
