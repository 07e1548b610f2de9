import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { getPassword } from '../../cli/password.js'
import { createWallet, type WalletInfo } from '../../core/wallet/store.js'

export default class WalletCreate extends BaseCommand<typeof WalletCreate> {
  static override summary = 'Create a new account in an encrypted keystore.'
  static override description = `Generates a random key and stores it as a Web3 Secret Storage v3 file (scrypt, readable by geth and
\`cast wallet\`) in <home>/keystores/<name>.json with mode 0600. The password is asked twice, or read from
MODELDAO_PASSWORD. The key is never printed.`
  static override examples = ['<%= config.bin %> <%= command.id %> alice', 'MODELDAO_PASSWORD=… <%= config.bin %> <%= command.id %> ci-bot --kdf light --json']
  static override args = { name: Args.string({ description: 'Keystore name (letters, digits, - and _).', required: true }) }
  static override flags = {
    kdf: Flags.string({ summary: 'scrypt strength: standard (geth default, ~1 s) or light (fast, for throwaway keys).', options: ['standard', 'light'], default: 'standard' }),
  }

  async run(): Promise<WalletInfo> {
    const password = await getPassword(`the new keystore "${this.args.name}"`, { confirm: true })
    this.progress('Encrypting')
    const wallet = await createWallet({ keystoresFolder: this.layout.keystores, name: this.args.name, password, kdf: this.flags.kdf as 'standard' | 'light' })
    this.progressDone()
    this.log(`Created "${wallet.name}" ${wallet.address}\n  ${wallet.file}`)
    return wallet
  }
}
