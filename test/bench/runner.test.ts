import { describe, expect, it } from 'vitest'
import { runBenchmarks, summarize, summaryMarkdown, summaryText } from '../../bench/runner.js'
import { lineChartSvg, ticks } from '../../bench/plot.js'
import { attempt, ratio, sidesOf, type Benchmark, type BenchRow } from '../../bench/types.js'

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

describe('bench summary and charts', () => {
  it('puts every ratio of every benchmark in one table, with its modeldao and anchor sides and its target', async () => {
    const rows: BenchRow[] = [
      { label: 'ours', value: 120, unit: 'MB/s' },
      { label: 'plain HTTP', value: 150, unit: 'MB/s' },
    ]
    const run = await runBenchmarks(
      [
        { name: 'fetch', description: 'd', run: async () => ({ rows, ratios: [ratio('ours / HTTP', 0.8, { op: '>=', value: 0.5 }, sidesOf(rows, 'ours', 'plain HTTP'))] }) },
        { name: 'errors', description: 'd', run: async () => ({ rows: [], ratios: [ratio('errors under load', 2, { op: '<=', value: 0 })] }) },
        { name: 'broken', description: 'd', run: async () => Promise.reject(new Error('no anvil')) },
      ],
      () => {},
    )
    const lines = summarize(run.results)
    expect(lines).toEqual([
      { benchmark: 'fetch', metric: 'ours / HTTP', modeldao: '120 MB/s', anchor: '150 MB/s (plain HTTP)', ratio: '0.800×', target: '>= 0.5', pass: true },
      { benchmark: 'errors', metric: 'errors under load', modeldao: '—', anchor: '—', ratio: '2.00×', target: '<= 0', pass: false },
      { benchmark: 'broken', metric: '(benchmark failed)', modeldao: '—', anchor: '—', ratio: 'FAILED', target: '', pass: false },
    ])
    const markdown = summaryMarkdown(lines, { date: '2026-12-03', cpus: '2 × Test CPU', platform: 'linux-x64', node: 'v24.0.0' })
    expect(markdown).toContain('Measured 2026-12-03 on 2 × Test CPU (linux-x64, Node v24.0.0).')
    expect(markdown).toContain('| fetch | ours / HTTP | 120 MB/s | 150 MB/s (plain HTTP) | 0.800× | >= 0.5 ✓ |')
    expect(markdown).toContain('| errors | errors under load | — | — | 2.00× | <= 0 ✗ |')
    expect(summaryText(lines)[0]).toMatch(/^BENCHMARK\s+METRIC\s+MODELDAO\s+ANCHOR\s+RATIO\s+TARGET$/)
  })

  it('draws a line chart as SVG with one path per series, skipping points it cannot place', () => {
    const svg = lineChartSvg({ title: 'Scaling <test>', xLabel: 'clients', yLabel: 'tok/s', series: [{ name: 'measured', points: [[1, 10], [4, 30], [8, Number.NaN]] }, { name: 'linear', points: [[1, 10], [8, 80]], dashed: true }] })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('Scaling &lt;test&gt;')
    expect(svg.match(/<path /g)).toHaveLength(2)
    expect(svg.match(/<circle /g)).toHaveLength(4)
    expect(ticks(80)).toEqual([0, 20, 40, 60, 80])
    expect(ticks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
  })
})
