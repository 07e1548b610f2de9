import { ModeldaoError } from '../errors/base.js'

/** The demo creates its own keystores and chain: it refuses a home that has some already. */
export class DemoHomeUsedError extends ModeldaoError {
  override name = 'DemoHomeUsedError'
  constructor(home: string, found: string) {
    super('DEMO_HOME_USED', `The home ${home} is not empty: it holds ${found}.`, {
      hints: ['Run `modeldao demo` without --home (it makes a fresh temporary home), or give it an empty folder.'],
    })
  }
}
