import { Flags } from '@oclif/core'
import { getAddress, isAddress } from 'viem'
import { BaseCommand, signerFlags } from '../cli/baseCommand.js'
import { deployProtocol, type DeployProtocolResult } from '../core/chain/deploy.js'
import { ExitCode, ModeldaoError } from '../core/errors/base.js'

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary = 'Deploy the modeldao protocol contracts to a chain and record their addresses.'
  static override description = `Deploys every protocol contract in order with the signing account and writes <home>/deployments/<chainId>.json.
On a real network, name the payment token (an existing ERC-20 stablecoin) with --payment-token; without it a test
stablecoin is deployed, which only makes sense on a development chain.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --rpc-url https://rpc.example.org --account deployer --payment-token 0x…',
    '<%= config.bin %> <%= command.id %> --dev-account 0 --force  # redeploy on the local chain',
  ]
  static override flags = {
    ...signerFlags,
    'payment-token': Flags.string({ summary: 'ERC-20 used for payments and fees (default: deploy the test stablecoin).' }),
    force: Flags.boolean({ summary: 'Deploy again even if a deployments file exists (it is kept as .bak).', default: false }),
  }

  async run(): Promise<DeployProtocolResult> {
    const token = this.flags['payment-token']
    if (token !== undefined && !isAddress(token)) {
      throw new ModeldaoError('ADDRESS_INVALID', `--payment-token "${token}" is not an address.`, { exitCode: ExitCode.usage })
    }
    const connection = await this.connect()
    const account = await this.signer(connection)
    if (token === undefined && connection.chainId !== 31337) {
      this.note(`no --payment-token given: deploying the test stablecoin on chain ${connection.chainId}`)
    }
    const result = await deployProtocol({
      connection,
      account,
      deploymentsFolder: this.layout.deployments,
      paymentToken: token === undefined ? undefined : getAddress(token),
      force: this.flags.force,
      onProgress: (event) => {
        if (event.stage === 'sending') this.progress(`Deploying ${event.contract}`)
        else this.progressDone(event.address)
      },
    })
    this.log(`Deployed to chain ${connection.chainId}; addresses in ${result.file}:`)
    for (const [name, contract] of Object.entries(result.deployments.contracts)) this.log(`  ${name.padEnd(16)} ${contract.address}`)
    return result
  }
}
