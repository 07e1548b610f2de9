import { readFile } from 'node:fs/promises'
import { Args, Flags } from '@oclif/core'
import type { Hex } from 'viem'
import { BaseCommand } from '../../cli/baseCommand.js'
import { getPassword } from '../../cli/password.js'
import { ExitCode, ModeldaoError } from '../../core/errors/base.js'
import { importWallet, type WalletInfo } from '../../core/wallet/store.js'

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
    kdf: Flags.string({ summary: 'scrypt strength when encrypting a raw key.', options: ['standard', 'light'], default: 'standard' }),
  }

  async run(): Promise<WalletInfo> {
    const base = { keystoresFolder: this.layout.keystores, name: this.args.name }
    let wallet: WalletInfo
    if (this.flags.keystore) {
      const keystoreJson = await readFile(this.flags.keystore, 'utf8')
      const password = await getPassword(`the keystore ${this.flags.keystore}`)
      wallet = await importWallet({ ...base, password, keystoreJson })
    } else {
      const privateKey = this.flags['private-key-file'] ? (await readFile(this.flags['private-key-file'], 'utf8')).trim() : process.env.MODELDAO_PRIVATE_KEY
      if (!privateKey) {
        throw new ModeldaoError('NOTHING_TO_IMPORT', 'Nothing to import.', {
          hints: ['Pass --keystore <file>, --private-key-file <file>, or set MODELDAO_PRIVATE_KEY.'],
          exitCode: ExitCode.usage,
        })
      }
      const password = await getPassword(`the new keystore "${this.args.name}"`, { confirm: true })
      wallet = await importWallet({ ...base, password, privateKey: privateKey as Hex, kdf: this.flags.kdf as 'standard' | 'light' })
    }
    this.log(`Imported "${wallet.name}" ${wallet.address}\n  ${wallet.file}`)
    return wallet
  }
}
