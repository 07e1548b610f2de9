import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { chainUp, type ChainUpReturnType } from '../../core/actions/chain/chainUp.js'

export default class ChainUp extends BaseCommand<typeof ChainUp> {
  static override summary = 'Start the local chain (anvil on 127.0.0.1) and deploy the protocol on it once.'
  static override description = `Runs anvil in the background with its state saved under the home folder, so balances and contracts survive
\`chain down\` / \`chain up\`. The first start deploys the modeldao contracts with dev account 0 and records their
addresses in <home>/deployments/<chainId>.json. If a local chain is already running, reports it instead of starting a
second one.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 9545 --json',
    '<%= config.bin %> <%= command.id %> --reset  # discard the saved chain and start fresh',
  ]
  static override flags = {
    port: Flags.integer({ summary: 'Port on 127.0.0.1 (default 8545 when free, else any free port).', min: 1, max: 65535 }),
    reset: Flags.boolean({ summary: 'Discard the saved chain state and start a fresh chain.', default: false }),
  }

  async run(): Promise<ChainUpReturnType> {
    this.progress('Starting the local chain')
    const result = await chainUp(this.ctx, {
      port: this.flags.port,
      reset: this.flags.reset,
      onProgress: (event) => event.contract && this.progress(`Deploying ${event.contract}`),
    })
    this.progressDone()
    if (result.redeployReason) this.note(`redeployed the protocol: ${result.redeployReason}`)
    const { record } = result
    const where = `${record.rpcUrl} (chain ${record.chainId}, pid ${record.pid})`
    this.log(result.alreadyRunning ? `The local chain is already running at ${where}.` : `Local chain running at ${where}${result.restoredState ? ', state restored' : ''}.`)
    this.log(result.deployed ? 'Deployed the protocol:' : 'Protocol contracts:')
    this.logContracts(result.deployments.contracts)
    this.log(`Stop it with \`${this.config.bin} chain down\`.`)
    return result
  }
}
