import { BigQuery } from '@google-cloud/bigquery'

/** A BigQuery type name as the client takes it: 'STRING', 'INT64', ['STRING'] for an array, … */
export type BigQueryType = string | readonly BigQueryType[]

const TYPED = Symbol('bigquery typed parameter')

/** A parameter value with its BigQuery type given, e.g. a NULL INT64: `typed(null, 'INT64')`. */
export interface TypedParameter {
  readonly [TYPED]: true
  readonly value: unknown
  readonly type: BigQueryType
}

/**
 * Gives a parameter its BigQuery type, needed to choose FLOAT64/NUMERIC/JSON over the inferred type,
 * or DATE, DATETIME, TIME for text (`typed('2021-01-01', 'DATE')`). Temporal values may be text in
 * BigQuery's literal format or a Date (read in UTC); BYTES a Uint8Array.
 *
 * @example db.selectFrom('data').selectAll().where('day', '=', sql<string>`${typed('2021-01-01', 'DATE')}`)
 */
export function typed(value: unknown, type: BigQueryType): TypedParameter {
  return { [TYPED]: true, value, type }
}

function isTyped(value: unknown): value is TypedParameter {
  return typeof value === 'object' && value !== null && TYPED in value
}

/** The type BigQuery gets for a value; NULL without a type is sent as a NULL STRING. */
export function inferType(value: unknown): BigQueryType {
  if (isTyped(value)) return value.type
  if (value === null || value === undefined) return 'STRING'
  if (typeof value === 'string') return 'STRING'
  if (typeof value === 'boolean') return 'BOOL'
  if (typeof value === 'bigint') return 'INT64'
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'INT64' : 'FLOAT64'
  if (value instanceof Date) return 'TIMESTAMP'
  if (value instanceof Uint8Array) return 'BYTES'
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined)
    return [first === undefined ? 'STRING' : inferType(first)]
  }
  return 'JSON'
}

/** A Date's UTC calendar day and wall-clock time: 'YYYY-MM-DD' and 'HH:MM:SS.ffffff'. */
function utcParts(date: Date): { day: string; time: string } {
  const iso = date.toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  return { day: iso.slice(0, 10), time: `${iso.slice(11, 23)}000` }
}

/**
 * A value as the client must be given it for `type`. The client sends `.value` of anything typed
 * DATE/TIME/TIMESTAMP/DATETIME/GEOGRAPHY (its wrapper classes), so plain text or Dates must be
 * wrapped or they go out as NULL; BYTES go out as base64 text, JSON as text.
 */
function clientValue(value: unknown, type: BigQueryType): unknown {
  if (isTyped(value)) return clientValue(value.value, type)
  if (value === null || value === undefined) return null
  if (typeof type !== 'string') {
    const element = type[0] ?? 'STRING'
    return Array.isArray(value) ? value.map((v) => clientValue(v, element)) : value
  }
  switch (type.toUpperCase()) {
    case 'TIMESTAMP':
      return BigQuery.timestamp(value as Date | string)
    case 'DATE':
      return BigQuery.date(value instanceof Date ? utcParts(value).day : String(value))
    case 'DATETIME': {
      if (!(value instanceof Date)) return BigQuery.datetime(String(value))
      const { day, time } = utcParts(value)
      return BigQuery.datetime(`${day} ${time}`)
    }
    case 'TIME':
      return BigQuery.time(value instanceof Date ? utcParts(value).time : String(value))
    case 'GEOGRAPHY':
      return BigQuery.geography(String(value))
    case 'BYTES':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value
    case 'JSON':
      return typeof value === 'string'
        ? value
        : JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v))
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return value
}

/**
 * Kysely's parameter list as the client's named `params` and `types` (`@p0` is `params.p0`). Every
 * parameter gets an explicit type, so NULLs are accepted and values are never guessed differently
 * from what the compiled SQL expects.
 */
export function bigQueryParameters(parameters: readonly unknown[]): {
  params: Record<string, unknown>
  types: Record<string, BigQueryType>
} {
  const params: Record<string, unknown> = {}
  const types: Record<string, BigQueryType> = {}
  parameters.forEach((value, i) => {
    const type = inferType(value)
    params[`p${i}`] = clientValue(value, type)
    types[`p${i}`] = type
  })
  return { params, types }
}
