/** One measured quantity. */
export type BenchRow = { label: string; value: number; unit: string; note?: string }
/** A ratio of two rows measured in the same run, optionally against a target. */
export type BenchRatio = { label: string; value: number; target?: { op: '<=' | '>='; value: number }; pass?: boolean }
export type BenchResult = { rows: BenchRow[]; ratios: BenchRatio[]; environment?: Record<string, string> }
export type Benchmark = { name: string; description: string; run: () => Promise<BenchResult> }

/** Checks a ratio against its target and records pass/fail. */
export function ratio(label: string, value: number, target?: BenchRatio['target']): BenchRatio {
  const pass = target ? (target.op === '<=' ? value <= target.value : value >= target.value) : undefined
  return { label, value, ...(target ? { target } : {}), ...(pass === undefined ? {} : { pass }) }
}

/** Median wall time in ms of `fn` over `repeats` runs (after one warm-up). */
export async function medianMs(fn: () => Promise<unknown> | unknown, repeats: number): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}
