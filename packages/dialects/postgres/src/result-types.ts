import { parse as parseArray } from 'postgres-array'

/**
 * How Postgres values become JS values, the same for pg and PGlite: timestamps without time zone
 * hold UTC and become the Date of that instant whatever the process time zone; dates stay
 * 'YYYY-MM-DD' strings; bigint and numeric become numbers (counts, sums and ratios).
 */
export const PG_TYPE = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  interval: 1186,
  int8Array: 1016,
  numericArray: 1231,
  dateArray: 1182,
  timestampArray: 1115,
} as const

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

const asText = (text: string): string => text
const arrayOf =
  (parse: (text: string) => unknown) =>
  (text: string): unknown[] =>
    parseArray(text, parse)

/** Parsers by type OID, shared by the pg and PGlite connections (arrays too, element by element). */
export const resultParsers: Readonly<Record<number, (text: string) => unknown>> = {
  [PG_TYPE.int8]: parseNumber,
  [PG_TYPE.numeric]: parseNumber,
  [PG_TYPE.date]: asText,
  [PG_TYPE.timestamp]: parseUtcTimestamp,
  // pg makes an object of an interval and PGlite keeps its text: keep the text on both.
  [PG_TYPE.interval]: asText,
  [PG_TYPE.int8Array]: arrayOf(parseNumber),
  [PG_TYPE.numericArray]: arrayOf(parseNumber),
  [PG_TYPE.dateArray]: arrayOf(asText),
  [PG_TYPE.timestampArray]: arrayOf(parseUtcTimestamp),
}

/** A parameter as Postgres should read it: Dates (also inside arrays) as UTC ISO text, right for both timestamp types. */
function serializeParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(serializeParameter)
  return value
}

export function serializeParameters(values: readonly unknown[] | undefined): unknown[] | undefined {
  return values?.map(serializeParameter)
}
