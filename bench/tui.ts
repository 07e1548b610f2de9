// The voting TUI: time from starting `modeldao vote` in a real terminal (tmux, 80×24) to its first frame showing 50
// proposals on the local chain; and whether Ink costs other commands anything: `modeldao --version` with the TUI code
// present vs a copy of the CLI without it, side by side in one run.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseUnits } from 'viem'
import { chainDown } from '../src/core/actions/chain/chainDown.js'
import { chainUp } from '../src/core/actions/chain/chainUp.js'
import { mineBlocks } from '../src/core/actions/chain/mineBlocks.js'
import { createDao } from '../src/core/actions/dao/createDao.js'
import { propose } from '../src/core/actions/dao/propose.js'
import { registerModel } from '../src/core/actions/models/registerModel.js'
import { findFreePort } from '../src/core/chain/local/ports.js'
import { createModeldao } from '../src/core/context/context.js'
import { attempt, medianMs, ratio, sidesOf, type Benchmark, type BenchRatio, type BenchRow } from './types.js'

const PROPOSALS = 50
const root = fileURLToPath(new URL('..', import.meta.url))
const node = process.execPath

/** Milliseconds from starting `modeldao vote` in a fresh tmux session to a frame that shows `text`. */
async function timeToFrame(home: string, text: string): Promise<number> {
  const socket = `modeldao-bench-${process.pid}`
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  const start = performance.now()
  tmux('new-session', '-d', '-s', 'vote', '-x', '80', '-y', '24', `MODELDAO_HOME='${home}' '${node}' '${join(root, 'bin/run.js')}' vote --all --dev-account 1`)
  try {
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', 'vote').includes(text)) return performance.now() - start
      if (performance.now() - start > 30_000) throw new Error(`no frame with "${text}" after 30 s`)
      await new Promise((r) => setTimeout(r, 10))
    }
  } finally {
    tmux('kill-server')
  }
}

/** A copy of the built CLI without the TUI (dist/tui, the vote command and its manifest entry), sharing node_modules. */
function cliWithoutTui(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modeldao-no-tui-'))
  for (const item of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) cpSync(join(root, item), join(dir, item), { recursive: true })
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
  rmSync(join(dir, 'dist/tui'), { recursive: true, force: true })
  for (const suffix of ['.js', '.d.ts', '.js.map', '.d.ts.map']) rmSync(join(dir, `dist/commands/vote${suffix}`), { force: true })
  const manifest = JSON.parse(readFileSync(join(dir, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> }
  delete manifest.commands.vote
  writeFileSync(join(dir, 'oclif.manifest.json'), JSON.stringify(manifest))
  return dir
}

export const tuiBenchmark: Benchmark = {
  name: 'tui',
  description: `Voting TUI: first frame with ${PROPOSALS} proposals; --version with vs without the TUI code`,
  async run() {
    const rows: BenchRow[] = []
    const ratios: BenchRatio[] = []
    const home = mkdtempSync(join(tmpdir(), 'modeldao-bench-tui-'))
    const creator = createModeldao({ home, devAccount: 0 })
    try {
      await chainUp(creator, { port: await findFreePort() })
      const { modelId } = await registerModel(creator, {
        manifestCid: 'bafkreibenchtuimodel',
        terms: { supply: 1000n, royaltyBps: 0n, feeShareBps: 3000, pricePerRequest: parseUnits('0.01', 6), paymentTokenSymbol: 'tUSD', paymentTokenDecimals: 6 },
      })
      await createDao(creator, { modelId, settings: { votingDelay: 1, votingPeriod: 10_000, timelockDelay: 60 } })
      for (let i = 0; i < PROPOSALS; i++) await propose(creator, { modelId, content: { kind: 'params', change: { votingPeriod: 1000 + i } } })
      await mineBlocks(creator, { blocks: 2 })
      // The first start also builds the local index of this chain; later starts read it warm, as a user's would.
      const cold = await attempt(rows, 'first frame, cold index', 'ms', () => timeToFrame(home, `ACTIVE (${PROPOSALS})`))
      if (cold !== undefined) rows.push({ label: `first frame, ${PROPOSALS} proposals, cold index (includes its first sync)`, value: cold, unit: 'ms' })
      const times: number[] = []
      for (let i = 0; i < 5; i++) {
        const t = await attempt(rows, 'first frame, warm index', 'ms', () => timeToFrame(home, `ACTIVE (${PROPOSALS})`))
        if (t !== undefined) times.push(t)
      }
      times.sort((a, b) => a - b)
      const warm = times[Math.floor(times.length / 2)] ?? Number.NaN
      rows.push({ label: `first frame, ${PROPOSALS} proposals, median of ${times.length} (80×24 tmux)`, value: warm, unit: 'ms' })
      ratios.push(ratio('first frame (50 proposals) / 1,500 ms', warm / 1500, { op: '<=', value: 1 }, { modeldao: rows.find((r) => r.label.startsWith('first frame,') && r.label.includes('median')), anchor: { label: 'budget', value: 1500, unit: 'ms' } }))
    } finally {
      await chainDown(creator).catch(() => undefined)
      await creator.dispose()
      rmSync(home, { recursive: true, force: true })
    }

    const bare = cliWithoutTui()
    try {
      const version = (dir: string) => () => {
        const r = spawnSync(node, [join(dir, 'bin/run.js'), '--version'], { encoding: 'utf8' })
        if (r.status !== 0) throw new Error(r.stderr)
      }
      // Alternate the two so that machine noise falls on both alike.
      let withTui = 0
      let withoutTui = 0
      for (let round = 0; round < 3; round++) {
        withTui += await medianMs(version(root), 5)
        withoutTui += await medianMs(version(bare), 5)
      }
      rows.push({ label: 'modeldao --version, TUI code present', value: withTui / 3, unit: 'ms' }, { label: 'modeldao --version, TUI code removed', value: withoutTui / 3, unit: 'ms' })
      ratios.push(ratio('--version with TUI / without', withTui / withoutTui, { op: '<=', value: 1.05 }, sidesOf(rows, 'modeldao --version, TUI code present', 'modeldao --version, TUI code removed')))
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
    return { rows, ratios }
  },
}
