import { BigQuery, BigQueryDate, BigQueryDatetime, BigQueryTime, BigQueryTimestamp } from '@google-cloud/bigquery'

/**
 * The client's Big class (big.js, its NUMERIC and BIGNUMERIC values), taken from a value the client
 * decodes itself: `instanceof` must test the client's own copy, which is not a dependency of ours.
 */
const ClientBig = (
  BigQuery.mergeSchemaWithRows_({ fields: [{ name: 'n', type: 'NUMERIC' }] }, [{ f: [{ v: '0' }] }] as never, {
    wrapIntegers: false,
    parseJSON: false,
  })[0] as { n: object }
).n.constructor as new (
  ...args: never[]
) => { toString(): string; toFixed(): string }

/**
 * INT64 as the client's `integerTypeCastFunction` gets it (the decimal text): a number where a number
 * holds it exactly, else a bigint, so 9223372036854775807 is never rounded.
 */
export function toJsInteger(text: string): number | bigint {
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text)
}

/** NUMERIC/BIGNUMERIC: a number where the number reads back as the same decimal, else the exact decimal text. */
function toJsNumeric(value: { toString(): string; toFixed(): string }): number | string {
  const n = Number(value.toString())
  return String(n) === value.toString() ? n : value.toFixed()
}

/**
 * Values as the rest of the model hub expects them: Date for TIMESTAMP, 'YYYY-MM-DD' for DATE,
 * 'YYYY-MM-DD HH:MM:SS[.ffffff]' for DATETIME (a space, as BigQuery prints it), numbers, with
 * exact bigint/text where a number would round (see toJsInteger and the README).
 */
export function toJsValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof BigQueryTimestamp) return new Date(value.value)
  if (value instanceof BigQueryDatetime) return value.value.replace('T', ' ')
  if (value instanceof BigQueryDate || value instanceof BigQueryTime) return value.value
  if (value instanceof ClientBig) return toJsNumeric(value)
  if (Array.isArray(value)) return value.map(toJsValue)
  if (
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    // STRUCT values; parsed JSON is a plain object too and has nothing to convert.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsValue(v)]))
  }
  return value
}

/** A row of the client's values as JS values. */
export const toJsRow = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsValue(v)]))
