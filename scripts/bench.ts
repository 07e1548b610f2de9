// `npm run bench [-- name ...]`: runs benchmarks, prints a table per benchmark and writes JSON to bench-results/.
// Benchmarks compare things side by side in one run and report ratios; nothing here asserts absolute times.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import type { Benchmark, BenchResult } from '../bench/types.js'
import { gasBenchmark } from '../bench/gas.js'
import { keystoreBenchmark } from '../bench/keystore.js'
import { publishBenchmark } from '../bench/publish.js'

const all: Benchmark[] = [gasBenchmark, publishBenchmark, keystoreBenchmark]

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = wanted.filter((name) => !all.some((b) => b.name === name))
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.map((b) => b.name).join(', ')}`)
  process.exit(2)
}
const selected = wanted.length ? all.filter((b) => wanted.includes(b.name)) : all

const format = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3))
const results: Record<string, BenchResult & { description: string }> = {}
let failedTargets = 0
for (const bench of selected) {
  console.log(`\n# ${bench.name}: ${bench.description}`)
  const result = await bench.run()
  results[bench.name] = { description: bench.description, ...result }
  const width = Math.max(...result.rows.map((r) => r.label.length), ...result.ratios.map((r) => r.label.length), 10)
  for (const row of result.rows) console.log(`  ${row.label.padEnd(width)}  ${format(row.value).padStart(12)} ${row.unit}${row.note ? `  (${row.note})` : ''}`)
  for (const r of result.ratios) {
    const target = r.target ? `  target ${r.target.op} ${r.target.value}  ${r.pass ? 'PASS' : 'MISS'}` : ''
    if (r.pass === false) failedTargets++
    console.log(`  ${r.label.padEnd(width)}  ${format(r.value).padStart(12)} ×${target}`)
  }
}

const dir = join(new URL('..', import.meta.url).pathname, 'bench-results')
mkdirSync(dir, { recursive: true })
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
const environment = { node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, platform: `${process.platform}-${process.arch}` }
writeFileSync(file, `${JSON.stringify({ environment, results }, null, 2)}\n`)
console.log(`\nResults: ${file}${failedTargets ? `\n${failedTargets} target(s) missed` : ''}`)
