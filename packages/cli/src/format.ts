/**
 * A duration in seconds as pandas prints a timedelta, to the millisecond:
 * `254.323667` → `'0 days 00:04:14.324'`. NULL stays NULL.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'NaT'
  const totalMs = Math.round(seconds * 1000)
  const sign = totalMs < 0 ? '-' : ''
  let ms = Math.abs(totalMs)
  const days = Math.floor(ms / 86_400_000)
  ms -= days * 86_400_000
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${sign}${days} days ${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`
}

/** One value as a table cell: numbers up to 6 decimals, dates as ISO, objects as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)))
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * Rows as an aligned text table with a header line, numbers right-aligned, like a pandas frame:
 *
 * ```
 * time_aggregation  unique_users
 * 2022-03-31                  12
 * ```
 * `format` overrides how one column's values print (e.g. {@link formatDuration}).
 */
export function formatTable(
  rows: readonly Record<string, unknown>[],
  format: Readonly<Record<string, (value: unknown) => string>> = {},
): string {
  if (rows.length === 0) return '(no rows)'
  const columns = Object.keys(rows[0]!)
  const cells = rows.map((row) => columns.map((c) => (format[c] ?? formatCell)(row[c])))
  const numeric = columns.map((c) => rows.every((row) => row[c] === null || typeof row[c] === 'number'))
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((line) => line[i]!.length)))
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(columns), ...cells.map(line)].join('\n')
}
