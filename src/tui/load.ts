/**
 * Loads the voting TUI's modules (React, Ink) for a terminal the caller has already checked is interactive.
 *
 * Ink decides once, when its module is first evaluated, whether it runs "in CI" (any `CI` or `CI_*` variable in the
 * environment, unless `CI` is `0` or `false`); in CI mode it draws nothing until the app exits. A `CI` variable
 * inherited by a real terminal (a CI runner's tmux, a shell profile) would leave the holder facing a blank screen, so
 * the import runs with `CI=0` and the environment is put back as it was right after.
 */
export async function loadVoteTui() {
  const saved = process.env.CI
  process.env.CI = '0'
  try {
    const [{ runVoteTui }, { createTuiClient }, { PasswordBroker }] = await Promise.all([import('./run.js'), import('./client.js'), import('./passwordBroker.js')])
    return { runVoteTui, createTuiClient, PasswordBroker }
  } finally {
    if (saved === undefined) delete process.env.CI
    else process.env.CI = saved
  }
}
