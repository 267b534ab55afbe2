import { BigQueryUnsupportedError } from './unsupported.ts'

/**
 * Kysely's column data types (Postgres' names: `eb.cast(x, 'text')`, `addColumn('n', 'bigint')`) in
 * GoogleSQL, so a query written for Postgres casts the same on BigQuery. Postgres' `timestamp`
 * becomes TIMESTAMP, not DATETIME: the model hub treats both as UTC instants.
 */
const BIGQUERY_TYPES: Record<string, string> = {
  varchar: 'STRING',
  char: 'STRING',
  text: 'STRING',
  uuid: 'STRING',
  integer: 'INT64',
  int2: 'INT64',
  int4: 'INT64',
  int8: 'INT64',
  smallint: 'INT64',
  bigint: 'INT64',
  serial: 'INT64',
  bigserial: 'INT64',
  boolean: 'BOOL',
  real: 'FLOAT64',
  'double precision': 'FLOAT64',
  float4: 'FLOAT64',
  float8: 'FLOAT64',
  decimal: 'NUMERIC',
  numeric: 'NUMERIC',
  binary: 'BYTES',
  varbinary: 'BYTES',
  bytea: 'BYTES',
  blob: 'BYTES',
  date: 'DATE',
  datetime: 'DATETIME',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMP',
  json: 'JSON',
  jsonb: 'JSON',
}

/** A Kysely data type in GoogleSQL; a type BigQuery lacks (ranges, timetz) is an error naming it. */
export function bigQueryDataType(dataType: string): string {
  const match = /^([a-z0-9 ]+?)(?:\((\d+)(?:, (\d+))?\))?$/.exec(dataType)
  const name = match ? BIGQUERY_TYPES[match[1] ?? ''] : undefined
  if (!match || !name) {
    throw new BigQueryUnsupportedError(
      `BigQuery has no ${dataType} type; use one of STRING, INT64, FLOAT64, NUMERIC, BOOL, BYTES, DATE, DATETIME, TIME, TIMESTAMP, JSON (or write the type with sql\`…\`)`,
    )
  }
  // Precision and scale mean something for NUMERIC only; lengths and fractional seconds do not carry over.
  return name === 'NUMERIC' && match[2] ? `NUMERIC(${match[2]}, ${match[3] ?? 0})` : name
}
