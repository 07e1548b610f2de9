import { ModeldaoError } from '../errors/base.js'

export class KeystoreNotFoundError extends ModeldaoError {
  override name = 'KeystoreNotFoundError'
  constructor(name: string, available: readonly string[]) {
    super('KEYSTORE_NOT_FOUND', `No keystore named "${name}".`, {
      details: available.length ? `Available: ${available.join(', ')}.` : 'There are no keystores yet.',
      hints: ['Create one with `modeldao wallet create <name>` or import one with `modeldao wallet import <name>`.'],
    })
  }
}

export class KeystoreExistsError extends ModeldaoError {
  override name = 'KeystoreExistsError'
  constructor(name: string, file: string) {
    super('KEYSTORE_EXISTS', `A keystore named "${name}" already exists.`, {
      details: file,
      hints: ['Choose another name; modeldao never overwrites a keystore.'],
    })
  }
}

export class KeystoreWrongPasswordError extends ModeldaoError {
  override name = 'KeystoreWrongPasswordError'
  constructor(name: string) {
    super('KEYSTORE_WRONG_PASSWORD', `Wrong password for keystore "${name}".`, {
      hints: ['Check MODELDAO_PASSWORD or retype the password. The keystore was not changed.'],
    })
  }
}

export class KeystoreCorruptError extends ModeldaoError {
  override name = 'KeystoreCorruptError'
  constructor(name: string, reason: string) {
    super('KEYSTORE_CORRUPT', `Keystore "${name}" is not a readable Web3 Secret Storage (v3) file: ${reason}.`, {
      hints: ['Restore the file from a backup, or import the key again under another name.'],
    })
  }
}

export class InvalidKeystoreNameError extends ModeldaoError {
  override name = 'InvalidKeystoreNameError'
  constructor(name: string) {
    super('KEYSTORE_NAME_INVALID', `"${name}" is not a valid keystore name.`, {
      hints: ['Use 1 to 64 letters, digits, "-" or "_".'],
    })
  }
}

export class PasswordRequiredError extends ModeldaoError {
  override name = 'PasswordRequiredError'
  constructor(reason: string) {
    super('PASSWORD_REQUIRED', `A keystore password is needed: ${reason}.`, {
      hints: ['Run in a terminal to be asked for it, or set MODELDAO_PASSWORD.'],
    })
  }
}

export class NoAccountError extends ModeldaoError {
  override name = 'NoAccountError'
  constructor(message = 'This command needs an account to sign with.') {
    super('NO_ACCOUNT', message, {
      hints: ['Pass --account <keystore name> (see `modeldao wallet list`), or on the local chain --dev-account 0.'],
    })
  }
}

export class AccountAmbiguousError extends ModeldaoError {
  override name = 'AccountAmbiguousError'
  constructor() {
    super('ACCOUNT_AMBIGUOUS', 'Name one signer: --account, --dev-account or MODELDAO_PRIVATE_KEY, not several.')
  }
}

export class PrivateKeyInvalidError extends ModeldaoError {
  override name = 'PrivateKeyInvalidError'
  constructor(message: string) {
    super('PRIVATE_KEY_INVALID', message)
  }
}

export class NothingToImportError extends ModeldaoError {
  override name = 'NothingToImportError'
  constructor() {
    super('NOTHING_TO_IMPORT', 'Nothing to import.', { hints: ['Pass --keystore <file>, --private-key-file <file>, or set MODELDAO_PRIVATE_KEY.'] })
  }
}
