/**
 * Rows comparable across engines: numbers rounded off float noise, Dates as ISO text and, unless
 * `keepOrder`, sorted (engines may return rows of an unordered query in any order).
 */
export function normalized(rows: readonly Record<string, unknown>[], keepOrder = false): unknown[] {
  const clean = (v: unknown): unknown =>
    typeof v === 'number' && !Number.isInteger(v)
      ? Number(v.toPrecision(12))
      : Array.isArray(v)
        ? v.map(clean)
        : v instanceof Date
          ? v.toISOString()
          : v
  const cleaned = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, clean(v)])))
  return keepOrder ? cleaned : cleaned.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
}
