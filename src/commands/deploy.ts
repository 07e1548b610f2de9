import { Flags } from '@oclif/core'
import { getAddress, isAddress } from 'viem'
import { BaseCommand, signerFlags } from '../cli/baseCommand.js'
import { deployProtocol, type DeployProtocolReturnType } from '../core/actions/chain/deployProtocol.js'
import { AddressInvalidError } from '../core/errors/base.js'

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

  async run(): Promise<DeployProtocolReturnType> {
    const token = this.flags['payment-token']
    if (token !== undefined && !isAddress(token)) throw new AddressInvalidError('--payment-token', token)
    const result = await deployProtocol(this.ctx, {
      paymentToken: token === undefined ? undefined : getAddress(token),
      force: this.flags.force,
      onProgress: (event) => (event.stage === 'sending' ? this.progress(`Deploying ${event.contract}`) : this.progressDone(event.address)),
    })
    for (const warning of result.warnings) this.note(warning)
    this.log(`Deployed to chain ${result.deployments.chainId}; addresses in ${result.file}:`)
    this.logContracts(result.deployments.contracts)
    return result
  }
}
