import { BaseCommand } from '../../cli/baseCommand.js'
import { getChainStatus, type GetChainStatusReturnType } from '../../core/actions/chain/getChainStatus.js'

export default class ChainStatusCommand extends BaseCommand<typeof ChainStatusCommand> {
  static override summary = 'Show block, chain id, accounts and deployments of the local chain (or of --rpc-url).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --rpc-url http://127.0.0.1:9545']

  async run(): Promise<GetChainStatusReturnType> {
    const status = await getChainStatus(this.ctx)
    this.log(`RPC        ${status.rpcUrl}${status.local ? ` (local anvil, pid ${status.local.pid})` : ''}`)
    this.log(`Chain id   ${status.chainId}`)
    this.log(`Block      ${status.blockNumber} at ${status.blockTimestamp}`)
    this.log(`Healthy    ${status.healthy ? 'yes' : `no: ${status.deploymentsProblem}`}`)
    if (status.deployments) {
      this.log('Contracts')
      this.logContracts(status.deployments.contracts)
    }
    if (status.accounts.length > 0) {
      this.log('Dev accounts (--dev-account N)')
      status.accounts.forEach((account, index) => this.log(`  ${index}  ${account.address}  ${account.balance}`))
    }
    return status
  }
}
