// `npm run bench [-- name ...]`: runs benchmarks, prints a table per benchmark and writes JSON to bench-results/.
// Benchmarks compare things side by side in one run and report ratios; nothing here asserts absolute times.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { runBenchmarks, summarize, summaryMarkdown, summaryText } from '../bench/runner.js'
import type { Benchmark } from '../bench/types.js'
import { gasBenchmark } from '../bench/gas.js'
import { governanceBenchmark } from '../bench/governance.js'
import { tuiBenchmark } from '../bench/tui.js'
import { verifyBenchmark } from '../bench/verify.js'
import { probesBenchmark } from '../bench/probes.js'
import { keystoreBenchmark } from '../bench/keystore.js'
import { publishBenchmark } from '../bench/publish.js'
import { fetchBenchmark, fetchSoakBenchmark } from '../bench/fetch.js'
import { marketBenchmark } from '../bench/market.js'
import { serveBenchmark } from '../bench/serve.js'
import { paymentsBenchmark } from '../bench/payments.js'
import { paymentOverheadBenchmark } from '../bench/paymentOverhead.js'
import { demoBenchmark } from '../bench/demo.js'

const all: Benchmark[] = [demoBenchmark, gasBenchmark, governanceBenchmark, tuiBenchmark, verifyBenchmark, probesBenchmark, paymentsBenchmark, paymentOverheadBenchmark, marketBenchmark, serveBenchmark, publishBenchmark, fetchBenchmark, keystoreBenchmark, fetchSoakBenchmark]
// The soak runs ten 1 GiB fetches, the honest floor a thousand requests: only when named.
const byDefault = all.filter((b) => b !== fetchSoakBenchmark)

// Names are the bare words; `--gpu <backend>` (read by the serve benchmark) and its value are not names.
const args = process.argv.slice(2)
const wanted = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--gpu')
const unknown = wanted.filter((name) => !all.some((b) => b.name === name))
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.map((b) => b.name).join(', ')}`)
  process.exit(2)
}
const selected = wanted.length ? all.filter((b) => wanted.includes(b.name)) : byDefault

const { results, failedTargets, failedRows } = await runBenchmarks(selected, (line) => console.log(line))

const dir = join(new URL('..', import.meta.url).pathname, 'bench-results')
mkdirSync(dir, { recursive: true })
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const file = join(dir, `bench-${stamp}.json`)
const environment = { date: new Date().toISOString().slice(0, 10), node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, platform: `${process.platform}-${process.arch}` }
const summary = summarize(results)
console.log('\n# summary: every ratio, measured side by side in this run')
for (const line of summaryText(summary)) console.log(`  ${line}`)
const withoutPlots = Object.fromEntries(Object.entries(results).map(([name, { plots: _plots, ...result }]) => [name, result]))
writeFileSync(file, `${JSON.stringify({ environment, summary, results: withoutPlots }, null, 2)}\n`)
// The latest table and charts keep fixed names, for the README to show.
writeFileSync(join(dir, 'latest.md'), summaryMarkdown(summary, environment))
const plots = Object.values(results).flatMap((r) => r.plots ?? [])
for (const plot of plots) writeFileSync(join(dir, `${plot.name}.svg`), plot.svg)
console.log(`\nResults: ${file}, table ${join(dir, 'latest.md')}${plots.length ? `, charts ${plots.map((p) => `${p.name}.svg`).join(', ')}` : ''}${failedTargets ? `\n${failedTargets} target(s) missed` : ''}${failedRows ? `\n${failedRows} measurement(s) failed (see FAILED above)` : ''}`)
