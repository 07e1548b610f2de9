/** One measured quantity; `error` says why it could not be measured (the value is then NaN). */
export type BenchRow = { label: string; value: number; unit: string; note?: string; error?: string }
/** One side of a ratio: what modeldao measured, or the anchor it is compared with in the same run. */
export type BenchSide = { label: string; value: number; unit: string }
/** A ratio of two rows measured in the same run, optionally against a target; `modeldao`/`anchor` name its two sides. */
export type BenchRatio = { label: string; value: number; target?: { op: '<=' | '>='; value: number }; pass?: boolean; modeldao?: BenchSide; anchor?: BenchSide }
/** A chart written next to the results (SVG). */
export type BenchPlot = { name: string; svg: string }
export type BenchResult = { rows: BenchRow[]; ratios: BenchRatio[]; environment?: Record<string, string>; plots?: BenchPlot[] }
export type Benchmark = { name: string; description: string; run: () => Promise<BenchResult> }

/** Checks a ratio against its target and records pass/fail; a ratio of a failed row (NaN) fails its target. */
export function ratio(label: string, value: number, target?: BenchRatio['target'], sides?: { modeldao: BenchSide | undefined; anchor: BenchSide | undefined }): BenchRatio {
  const pass = target ? Number.isFinite(value) && (target.op === '<=' ? value <= target.value : value >= target.value) : undefined
  return { label, value, ...(target ? { target } : {}), ...(pass === undefined ? {} : { pass }), ...(sides?.modeldao ? { modeldao: sides.modeldao } : {}), ...(sides?.anchor ? { anchor: sides.anchor } : {}) }
}

/** The two sides of a ratio, taken from rows already measured (by label): `modeldao` and the `anchor`. */
export function sidesOf(rows: readonly BenchRow[], modeldao: string, anchor: string): { modeldao: BenchSide | undefined; anchor: BenchSide | undefined } {
  const side = (label: string): BenchSide | undefined => {
    const row = rows.find((r) => r.label === label)
    return row ? { label: row.label, value: row.value, unit: row.unit } : undefined
  }
  return { modeldao: side(modeldao), anchor: side(anchor) }
}

/**
 * Runs one measurement of a benchmark; if it throws, records a failed row with the error and returns undefined, so
 * the rest of the benchmark (and the bench) goes on.
 */
export async function attempt<T>(rows: BenchRow[], label: string, unit: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (error) {
    rows.push({ label, value: Number.NaN, unit, error: firstLine(error) })
    return undefined
  }
}

export const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).trim().split('\n')[0]!.slice(0, 200)

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
