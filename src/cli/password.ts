import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { PasswordRequiredError } from '../core/wallet/errors.js'

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk)
      callback()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  return new Promise((resolve, reject) => {
    rl.question(question, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    rl.on('SIGINT', () => {
      rl.close()
      reject(new PasswordRequiredError('the prompt was cancelled'))
    })
    muted = true
  })
}

/**
 * The keystore password: MODELDAO_PASSWORD when set, else asked on the terminal (twice when `confirm`).
 * @throws {PasswordRequiredError} no env and no terminal, or the two entries differ, or it is empty.
 */
export async function getPassword(purpose: string, options: { confirm?: boolean | undefined } = {}): Promise<string> {
  const fromEnv = process.env.MODELDAO_PASSWORD
  if (fromEnv !== undefined) {
    if (fromEnv === '') throw new PasswordRequiredError('MODELDAO_PASSWORD is set but empty')
    return fromEnv
  }
  if (!process.stdin.isTTY) throw new PasswordRequiredError(`no terminal to ask for the password of ${purpose}`)
  const password = await promptHidden(`Password for ${purpose}: `)
  if (password === '') throw new PasswordRequiredError('an empty password is not accepted')
  if (options.confirm && (await promptHidden('Repeat the password: ')) !== password) {
    throw new PasswordRequiredError('the two passwords differ')
  }
  return password
}
