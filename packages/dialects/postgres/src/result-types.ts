/**
 * How Postgres values become JS values, the same for pg and PGlite: timestamps without time zone
 * hold UTC and become the Date of that instant whatever the process time zone; dates stay
 * 'YYYY-MM-DD' strings; bigint and numeric become numbers (counts, sums and ratios).
 */
export const PG_TYPE = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const

const TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?( BC)?$/

/** Parses Postgres' ISO text of a `timestamp` (no time zone) as a UTC instant. */
export function parseUtcTimestamp(text: string): Date | string {
  const m = TIMESTAMP.exec(text)
  if (!m) return text // 'infinity' and '-infinity' have no Date; keep Postgres' word for them
  const [, year, month, day, hour, minute, second, fraction = '', bc] = m
  const date = new Date(0)
  const y = Number(year)
  date.setUTCFullYear(bc ? 1 - y : y, Number(month) - 1, Number(day))
  date.setUTCHours(Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)))
  return date
}

/** Text of a number column as a JS number. */
export const parseNumber = (text: string): number => Number(text)

/** Parsers by type OID, shared by the pg and PGlite connections. */
export const resultParsers: Readonly<Record<number, (text: string) => unknown>> = {
  [PG_TYPE.int8]: parseNumber,
  [PG_TYPE.numeric]: parseNumber,
  [PG_TYPE.date]: (text) => text,
  [PG_TYPE.timestamp]: parseUtcTimestamp,
}

/** Query parameters as Postgres reads them: a Date as its UTC ISO text, right for both timestamp types. */
export function serializeParameters(values: readonly unknown[] | undefined): unknown[] | undefined {
  return values?.map((value) => (value instanceof Date ? value.toISOString() : value))
}
