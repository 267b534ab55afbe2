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
 * Gives a parameter its BigQuery type, needed for NULL (BigQuery cannot infer it) or to choose
 * FLOAT64/NUMERIC/JSON over the inferred type.
 *
 * @example db.selectFrom('t').where('n', '=', typed(null, 'INT64'))
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

function plainValue(value: unknown): unknown {
  if (isTyped(value)) return plainValue(value.value)
  if (value === undefined) return null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (Array.isArray(value)) return value.map(plainValue)
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return JSON.stringify(value)
  }
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
    params[`p${i}`] = plainValue(value)
    types[`p${i}`] = inferType(value)
  })
  return { params, types }
}
