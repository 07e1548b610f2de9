/** Rows as left-aligned columns (right-aligned where a column is numeric), two spaces apart: the CLI's list format. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string[] {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)]
}

/** Basis points as a percentage ("12.5%"). */
export const percent = (bps: number): string => `${Number((bps / 100).toFixed(2))}%`

/** 0x1234…abcd */
export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`
