import { Args } from '@oclif/core'
import { getAddress, isAddress, type Address } from 'viem'
import { BaseCommand } from '../../cli/baseCommand.js'
import { readDeployments } from '../../core/chain/deployments.js'
import { ExitCode, ModeldaoError } from '../../core/errors/base.js'
import { getBalances, type Balances } from '../../core/wallet/balance.js'
import { walletAddress } from '../../core/wallet/store.js'

export default class WalletBalance extends BaseCommand<typeof WalletBalance> {
  static override summary = 'Show the native and payment-token balance of a keystore or an address.'
  static override examples = ['<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --json']
  static override args = { who: Args.string({ description: 'Keystore name or address (default: --account).' }) }

  async run(): Promise<Balances> {
    const who = this.args.who ?? this.flags.account
    if (!who) throw new ModeldaoError('NO_ACCOUNT', 'Name a keystore or address: `wallet balance <name|address>`.', { exitCode: ExitCode.usage })
    const address: Address = isAddress(who) ? getAddress(who) : (await walletAddress(this.layout.keystores, who)).address!
    const connection = await this.connect()
    const deployments = await readDeployments(this.layout.deployments, connection.chainId).catch(() => undefined)
    const balances = await getBalances(connection, address, deployments)
    this.log(`${address} on chain ${connection.chainId}`)
    this.log(`  ${balances.native.formatted} ${balances.native.symbol}`)
    if (balances.paymentToken) this.log(`  ${balances.paymentToken.formatted} ${balances.paymentToken.symbol}`)
    return balances
  }
}
