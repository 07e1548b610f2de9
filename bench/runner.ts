// Runs benchmarks one after another and renders their tables. A benchmark that throws, or a row that failed, is
// reported as FAILED with its error; nothing stops the others.
import { firstLine, type Benchmark, type BenchResult } from './types.js'

export type BenchRun = { results: Record<string, BenchResult & { description: string; error?: string }>; failedTargets: number; failedRows: number }

const format = (n: number) => (!Number.isFinite(n) ? 'FAILED' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3))

export async function runBenchmarks(benchmarks: readonly Benchmark[], log: (line: string) => void): Promise<BenchRun> {
  const run: BenchRun = { results: {}, failedTargets: 0, failedRows: 0 }
  for (const bench of benchmarks) {
    log(`\n# ${bench.name}: ${bench.description}`)
    let result: BenchResult & { error?: string }
    try {
      result = await bench.run()
    } catch (error) {
      result = { rows: [], ratios: [], error: firstLine(error) }
      log(`  FAILED: ${result.error}`)
      run.failedRows++
    }
    run.results[bench.name] = { description: bench.description, ...result }
    const width = Math.max(...result.rows.map((r) => r.label.length), ...result.ratios.map((r) => r.label.length), 10)
    for (const row of result.rows) {
      if (row.error) run.failedRows++
      const note = row.error ? `  (${row.error})` : row.note ? `  (${row.note})` : ''
      log(`  ${row.label.padEnd(width)}  ${format(row.value).padStart(12)} ${row.unit}${note}`)
    }
    for (const r of result.ratios) {
      const target = r.target ? `  target ${r.target.op} ${r.target.value}  ${r.pass ? 'PASS' : 'MISS'}` : ''
      if (r.pass === false) run.failedTargets++
      log(`  ${r.label.padEnd(width)}  ${format(r.value).padStart(12)} ×${target}`)
    }
  }
  return run
}

/** One line of the combined table: a ratio with its two sides, as measured in this run. */
export type SummaryLine = { benchmark: string; metric: string; modeldao: string; anchor: string; ratio: string; target: string; pass: boolean | null }

const side = (s: { label: string; value: number; unit: string } | undefined) => (s ? `${format(s.value)} ${s.unit}` : '—')

/** Every ratio of every benchmark that ran, in one table (metric, modeldao, anchor, ratio, target). */
export function summarize(results: BenchRun['results']): SummaryLine[] {
  const lines: SummaryLine[] = []
  for (const [benchmark, result] of Object.entries(results)) {
    if (result.error) lines.push({ benchmark, metric: '(benchmark failed)', modeldao: '—', anchor: '—', ratio: 'FAILED', target: '', pass: false })
    for (const r of result.ratios) {
      lines.push({
        benchmark,
        metric: r.label,
        modeldao: side(r.modeldao),
        anchor: r.anchor ? `${side(r.anchor)} (${r.anchor.label})` : '—',
        ratio: `${format(r.value)}×`,
        target: r.target ? `${r.target.op} ${r.target.value}` : '',
        pass: r.pass ?? null,
      })
    }
  }
  return lines
}

/** The combined table as aligned text lines, for the console. */
export function summaryText(lines: readonly SummaryLine[]): string[] {
  const cells = lines.map((l) => [l.benchmark, l.metric, l.modeldao, l.anchor, l.ratio, l.target ? `${l.target} ${l.pass ? 'PASS' : 'MISS'}` : ''])
  const header = ['BENCHMARK', 'METRIC', 'MODELDAO', 'ANCHOR', 'RATIO', 'TARGET']
  const widths = header.map((h, i) => Math.min(Math.max(h.length, ...cells.map((c) => c[i]!.length)), i === 1 || i === 3 ? 60 : 40))
  const row = (c: readonly string[]) => c.map((cell, i) => (cell.length > widths[i]! ? `${cell.slice(0, widths[i]! - 1)}…` : cell.padEnd(widths[i]!))).join('  ').trimEnd()
  return [row(header), ...cells.map(row)]
}

/** The combined table as Markdown, headed by the machine it ran on. */
export function summaryMarkdown(lines: readonly SummaryLine[], environment: Record<string, string>): string {
  const pipe = (s: string) => s.replace(/\|/g, '\\|')
  const out = [`Measured ${environment.date ?? ''} on ${environment.cpus} (${environment.platform}, Node ${environment.node}${environment.gpu ? `, ${environment.gpu}` : ''}).`, '']
  out.push('| benchmark | metric | modeldao | anchor (same run) | ratio | target |', '|---|---|---:|---|---:|---|')
  for (const l of lines) out.push(`| ${l.benchmark} | ${pipe(l.metric)} | ${pipe(l.modeldao)} | ${pipe(l.anchor)} | ${l.ratio} | ${l.target ? `${l.target} ${l.pass ? '✓' : '✗'}` : ''} |`)
  return `${out.join('\n')}\n`
}
