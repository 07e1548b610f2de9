import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { createWallet, type CreateWalletReturnType } from '../../core/actions/wallet/createWallet.js'

export default class WalletCreate extends BaseCommand<typeof WalletCreate> {
  static override summary = 'Create a new account in an encrypted keystore.'
  static override description = `Generates a random key and stores it as a Web3 Secret Storage v3 file (scrypt, readable by geth and
\`cast wallet\`) in <home>/keystores/<name>.json with mode 0600. The password is asked twice, or read from
MODELDAO_PASSWORD. The key is never printed.`
  static override examples = ['<%= config.bin %> <%= command.id %> alice', 'MODELDAO_PASSWORD=… <%= config.bin %> <%= command.id %> ci-bot --kdf light --json']
  static override args = { name: Args.string({ description: 'Keystore name (letters, digits, - and _).', required: true }) }
  static override flags = {
    kdf: Flags.option({ summary: 'scrypt strength: standard (geth default, ~1 s) or light (fast, for throwaway keys).', options: ['standard', 'light'] as const, default: 'standard' as const })(),
  }

  async run(): Promise<CreateWalletReturnType> {
    const wallet = await createWallet(this.ctx, { name: this.args.name, kdf: this.flags.kdf })
    this.log(`Created "${wallet.name}" ${wallet.address}\n  ${wallet.file}`)
    return wallet
  }
}
