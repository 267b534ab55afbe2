/** A value with its JS type, so a number that came back as a string or a day as a Date shows. */
export function typed(value: unknown): unknown {
  if (value instanceof Date) return { Date: value.toISOString() }
  if (Array.isArray(value)) return value.map(typed)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v)]))
  }
  return value === null ? null : { [typeof value]: value }
}
