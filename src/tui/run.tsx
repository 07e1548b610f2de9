import { render } from 'ink'
import { App, type AppProps } from './App.js'

/** Renders the voting TUI until the user quits. Loaded lazily by `modeldao vote`: other commands never load React. */
export async function runVoteTui(props: AppProps): Promise<void> {
  const instance = render(<App {...props} />, { exitOnCtrlC: true })
  await instance.waitUntilExit()
}
