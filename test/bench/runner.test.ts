import { describe, expect, it } from 'vitest'
import { runBenchmarks } from '../../bench/runner.js'
import { attempt, ratio, type Benchmark, type BenchRow } from '../../bench/types.js'

describe('bench runner', () => {
  it('reports a failed row and a benchmark that throws as FAILED with their errors, and runs the rest', async () => {
    const partly: Benchmark = {
      name: 'partly',
      description: 'one row fails',
      async run() {
        const rows: BenchRow[] = [{ label: 'fine', value: 12.5, unit: 'MB/s' }]
        const fetched = await attempt(rows, 'peer fetch', 'MB/s', async () => {
          throw new Error('no answer after 6 tries\nstack…')
        })
        return { rows, ratios: [ratio('peer / http', fetched ? 1 : Number.NaN, { op: '>=', value: 0.25 })] }
      },
    }
    const broken: Benchmark = { name: 'broken', description: 'throws', run: async () => Promise.reject(new Error('daemon exited with 1')) }
    const after: Benchmark = { name: 'after', description: 'still runs', run: async () => ({ rows: [{ label: 'ok', value: 3, unit: 'x' }], ratios: [] }) }
    const lines: string[] = []
    const run = await runBenchmarks([partly, broken, after], (line) => lines.push(line))
    const text = lines.join('\n')
    expect(text).toMatch(/peer fetch\s+FAILED MB\/s {2}\(no answer after 6 tries\)/)
    expect(text).toMatch(/peer \/ http\s+FAILED ×\s+target >= 0.25 {2}MISS/)
    expect(text).toContain('# broken: throws\n  FAILED: daemon exited with 1')
    expect(text).toMatch(/ok\s+3\.00 x/)
    expect(run.failedRows).toBe(2)
    expect(run.failedTargets).toBe(1)
    expect(run.results.broken!.error).toBe('daemon exited with 1')
  })
})
