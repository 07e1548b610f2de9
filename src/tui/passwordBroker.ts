/**
 * Hands a keystore password request from the core (the context's getPassword) to the TUI, which shows a masked prompt
 * and answers it. One request at a time.
 */
export class PasswordBroker {
  private listener: ((purpose: string) => void) | undefined
  private pending: { resolve: (password: string) => void; reject: (error: Error) => void } | undefined

  /** Called by the context when a keystore must be opened. */
  request(purpose: string): Promise<string> {
    if (!this.listener) return Promise.reject(new Error('no terminal to ask the password in'))
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      this.listener!(purpose)
    })
  }

  /** The TUI subscribes: it shows a prompt for `purpose`. */
  listen(listener: (purpose: string) => void): () => void {
    this.listener = listener
    return () => {
      if (this.listener === listener) this.listener = undefined
    }
  }

  answer(password: string) {
    this.pending?.resolve(password)
    this.pending = undefined
  }

  cancel() {
    this.pending?.reject(new Error('the password prompt was cancelled'))
    this.pending = undefined
  }
}
