// The one-command demo's wall time on this machine, process start included, against its 2-minute budget.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ratio, type Benchmark, type BenchRow } from './types.js'

const root = new URL('..', import.meta.url).pathname

export const demoBenchmark: Benchmark = {
  name: 'demo',
  description: '`modeldao demo` end to end (chain, IPFS, DAO, paid node, three clients, slash): wall time vs the 2-minute budget',
  async run() {
    const started = performance.now()
    const run = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'demo', '--json'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
    const wall = (performance.now() - started) / 1000
    if (run.status !== 0) throw new Error(`modeldao demo exited with ${run.status}: ${(run.stdout + run.stderr).slice(-500)}`)
    const result = JSON.parse(run.stdout).result as { seconds: number; steps: { name: string; seconds: number }[]; ledger: { balanced: boolean } }
    const slowest = [...result.steps].sort((a, b) => b.seconds - a.seconds).slice(0, 3)
    const rows: BenchRow[] = [
      { label: 'modeldao demo, whole command', value: wall, unit: 's', note: `money balanced: ${result.ledger.balanced}` },
      { label: 'modeldao demo, the story itself', value: result.seconds, unit: 's', note: `slowest steps: ${slowest.map((s) => `${s.name} ${s.seconds.toFixed(1)} s`).join(', ')}` },
    ]
    return {
      rows,
      ratios: [ratio('demo wall time / 2-minute budget', wall / 120, { op: '<=', value: 1 }, { modeldao: { label: rows[0]!.label, value: wall, unit: 's' }, anchor: { label: 'budget', value: 120, unit: 's' } })],
    }
  },
}
