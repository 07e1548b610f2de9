import { Args, Flags } from '@oclif/core'
import type { Hex } from 'viem'
import { BaseCommand } from '../../cli/baseCommand.js'
import { importWallet, type ImportWalletReturnType } from '../../core/actions/wallet/importWallet.js'

export default class WalletImport extends BaseCommand<typeof WalletImport> {
  static override summary = 'Import an account from a keystore file (geth, Foundry, ethers) or a private key.'
  static override description = `With --keystore, the file must open with the password (asked, or MODELDAO_PASSWORD) and is stored with its
own encryption. Without it, the private key is read from MODELDAO_PRIVATE_KEY or from --private-key-file (never from
a flag, so it stays out of shell history) and encrypted with the password.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> deployer --keystore ~/.foundry/keystores/deployer',
    'MODELDAO_PRIVATE_KEY=0x… MODELDAO_PASSWORD=… <%= config.bin %> <%= command.id %> bot',
  ]
  static override args = { name: Args.string({ description: 'Name for the imported keystore.', required: true }) }
  static override flags = {
    keystore: Flags.file({ summary: 'Existing v3 keystore file to import.', exists: true, exclusive: ['private-key-file'] }),
    'private-key-file': Flags.file({ summary: 'File holding the hex private key.', exists: true }),
    kdf: Flags.option({ summary: 'scrypt strength when encrypting a raw key.', options: ['standard', 'light'] as const, default: 'standard' as const })(),
  }

  async run(): Promise<ImportWalletReturnType> {
    const wallet = await importWallet(this.ctx, {
      name: this.args.name,
      keystoreFile: this.flags.keystore,
      privateKeyFile: this.flags['private-key-file'],
      privateKey: process.env.MODELDAO_PRIVATE_KEY as Hex | undefined,
      kdf: this.flags.kdf,
    })
    this.log(`Imported "${wallet.name}" ${wallet.address}\n  ${wallet.file}`)
    return wallet
  }
}
