import { createModeldao, type ModeldaoContext } from '../../src/core/context/context.js'

/**
 * Library contexts on one home, signing as anvil dev accounts (`as(i)`) or as given (`track`), all disposed by
 * `disposeAll`. The home is read at each call: suites create it in `beforeAll`.
 */
export function devContexts(home: () => string) {
  const open: ModeldaoContext[] = []
  const track = (md: ModeldaoContext) => {
    open.push(md)
    return md
  }
  return {
    as: (devIndex: number) => track(createModeldao({ home: home(), devAccount: devIndex })),
    track,
    async disposeAll() {
      for (const md of open.splice(0)) await md.dispose()
    },
  }
}
