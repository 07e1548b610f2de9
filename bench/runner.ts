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
