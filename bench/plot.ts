// A small line chart as SVG, for the benchmark results: no dependency, readable on GitHub and in any browser.

export type PlotSeries = { name: string; points: readonly (readonly [number, number])[]; dashed?: boolean }
export type LineChart = { title: string; xLabel: string; yLabel: string; series: readonly PlotSeries[]; yMax?: number; xLog?: boolean }

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#7f7f7f']
const W = 640
const H = 400
const M = { left: 64, right: 180, top: 40, bottom: 52 }

/** "Nice" tick values covering [0, max]. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0]
  const raw = max / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude
  const out: number[] = []
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const label = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4))))

/** Renders the chart; points with a non-finite coordinate are left out. */
export function lineChartSvg(chart: LineChart): string {
  const series = chart.series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }))
  const xs = series.flatMap((s) => s.points.map(([x]) => x))
  const ys = series.flatMap((s) => s.points.map(([, y]) => y))
  const xMin = chart.xLog ? Math.min(...xs, 1) : 0
  const xMaxRaw = Math.max(...xs, 1)
  const yTicks = ticks(chart.yMax ?? Math.max(...ys, 1e-9))
  const yMax = yTicks.at(-1)!
  const xTicks = chart.xLog ? logTicks(xMin, xMaxRaw) : ticks(xMaxRaw)
  const xMax = chart.xLog ? xMaxRaw : xTicks.at(-1)!
  const px = (x: number) => M.left + (chart.xLog ? Math.log10(x / xMin) / Math.log10(xMax / xMin || 10) : x / xMax) * (W - M.left - M.right)
  const py = (y: number) => H - M.bottom - (y / yMax) * (H - M.top - M.bottom)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(chart.title)}</text>`,
  ]
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${label(t)}</text>`)
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${px(t).toFixed(1)}" x2="${px(t).toFixed(1)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#f0f0f0"/>`)
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${label(t)}</text>`)
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="black"/>`)
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="black"/>`)
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${escape(chart.xLabel)}</text>`)
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`)
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!
    const d = s.points.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    if (s.points.length <= 12) for (const [x, y] of s.points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colour}"/>`)
    const ly = M.top + 8 + i * 20
    parts.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    parts.push(`<text x="${W - M.right + 42}" y="${ly + 4}">${escape(s.name)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

function logTicks(min: number, max: number): number[] {
  const out: number[] = []
  for (let p = Math.floor(Math.log10(min)); 10 ** p <= max * 1.0001; p++) out.push(10 ** p)
  return out
}
