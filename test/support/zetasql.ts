import { createRequire } from 'node:module'
import zetasql from '@fivetrandevelopers/zetasql'
import {
  BigQueryDialect,
  type BigQueryType,
  bigQueryParameters,
  bigquery,
  escapeBigQueryIdentifier,
} from '@kysely-modelhub/bigquery'
import { rememberEngine } from '@kysely-modelhub/core'
import {
  type CompiledQuery,
  CreateTableNode,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  DropTableNode,
  Kysely,
  type QueryResult,
} from 'kysely'

/**
 * ZetaSQL's reference implementation (the semantics BigQuery implements) as a local gRPC server
 * from @fivetrandevelopers/zetasql: the bigquery engine's SQL is executed on it with no network.
 */

export { hasTzdata, startZetaSqlServer, type ZetaSqlServer, zetaSqlBinary } from './zetasql-server.ts'

const require = createRequire(import.meta.url)

/** A column type of a test table, in BigQuery's names; REPEATED RECORDs as `{ records: { field: type } }`. */
export type ColumnType =
  | 'STRING'
  | 'INT64'
  | 'FLOAT64'
  | 'BOOL'
  | 'JSON'
  | 'TIMESTAMP'
  | 'DATE'
  | { readonly records: Readonly<Record<string, ColumnType>> }

/** A column's ZetaSQL type; a REPEATED RECORD is an ARRAY<STRUCT<…>>. */
export function columnTypeProto(type: ColumnType): object {
  if (typeof type === 'string') return typeProto(type)
  const field = Object.entries(type.records).map(([fieldName, t]) => ({ fieldName, fieldType: columnTypeProto(t) }))
  return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: { typeKind: 'TYPE_STRUCT', structType: { field } } } }
}

/** A cell's ZetaSQL value; a REPEATED RECORD cell is an array of objects (missing fields NULL). */
function columnValueProto(value: unknown, type: ColumnType): object {
  if (typeof type === 'string') return valueProto(value, type)
  if (value === null || value === undefined) return {}
  return {
    arrayValue: {
      element: (value as Record<string, unknown>[]).map((record) => ({
        structValue: { field: Object.entries(type.records).map(([name, t]) => columnValueProto(record[name], t)) },
      })),
    },
  }
}

/** A table's contents: column types in order, and rows of plain JS values (JSON columns as values). */
export interface TableContents {
  readonly columns: Readonly<Record<string, ColumnType>>
  readonly rows: readonly Readonly<Record<string, unknown>>[]
}

const TYPE_KIND: Record<string, string> = {
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  BOOL: 'TYPE_BOOL',
  JSON: 'TYPE_JSON',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  DATE: 'TYPE_DATE',
  BYTES: 'TYPE_BYTES',
}

function typeProto(type: BigQueryType): object {
  if (typeof type !== 'string')
    return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: typeProto(type[0] ?? 'STRING') } }
  const kind = TYPE_KIND[type]
  if (!kind) throw new Error(`no ZetaSQL type for ${type}`)
  return { typeKind: kind }
}

/** A timestamp as seconds and nanoseconds; text keeps microseconds that a Date cannot hold. */
function timestampProto(value: unknown): object {
  if (value instanceof Date) {
    const ms = value.getTime()
    return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1_000_000 }
  }
  const match = /^(.*?)(?:\.(\d{1,6}))?Z?$/.exec(String(value).replace(' ', 'T'))
  const whole = Date.parse(`${match?.[1]}Z`)
  if (!match || Number.isNaN(whole)) throw new Error(`not a timestamp: ${String(value)}`)
  return { seconds: String(Math.floor(whole / 1000)), nanos: Number((match[2] ?? '').padEnd(6, '0')) * 1000 }
}

function valueProto(value: unknown, type: BigQueryType): object {
  if (value === null || value === undefined) return {}
  if (typeof type !== 'string') {
    return { arrayValue: { element: (value as unknown[]).map((v) => valueProto(v, type[0] ?? 'STRING')) } }
  }
  switch (type) {
    case 'STRING':
      return { stringValue: String(value) }
    case 'INT64':
      return { int64Value: String(value) }
    case 'FLOAT64':
      return { doubleValue: Number(value) }
    case 'BOOL':
      return { boolValue: Boolean(value) }
    case 'JSON':
      return { jsonValue: typeof value === 'string' ? value : JSON.stringify(value) }
    case 'TIMESTAMP':
      return { timestampValue: timestampProto(value) }
    case 'DATE':
      return { dateValue: Math.round(Date.parse(`${String(value)}T00:00:00Z`) / 86_400_000) }
    default:
      throw new Error(`no ZetaSQL value for ${type}`)
  }
}

/** A parameter as the BigQuery client got it, without the client's DATE/TIMESTAMP/… wrapper classes. */
const unwrapped = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(unwrapped)
    : value !== null && typeof value === 'object' && 'value' in value
      ? (value as { value: unknown }).value
      : value

const long = (v: any): number =>
  typeof v === 'object' && v !== null ? Number(BigInt(v.high) * 2n ** 32n + BigInt(v.low >>> 0)) : Number(v)

/** A result cell as a JS value: Date for TIMESTAMP, 'YYYY-MM-DD' for DATE, parsed JSON, numbers. */
function jsValue(cell: any): unknown {
  switch (cell?.value) {
    case undefined:
    case null:
      return null
    case 'stringValue':
      return cell.stringValue
    case 'int64Value':
      return long(cell.int64Value)
    case 'doubleValue':
      return cell.doubleValue
    case 'boolValue':
      return cell.boolValue
    case 'jsonValue':
      return JSON.parse(cell.jsonValue)
    case 'timestampValue':
      return new Date(long(cell.timestampValue.seconds) * 1000 + Math.floor(cell.timestampValue.nanos / 1_000_000))
    case 'dateValue':
      return new Date(cell.dateValue * 86_400_000).toISOString().slice(0, 10)
    case 'arrayValue':
      return (cell.arrayValue.element ?? []).map(jsValue)
    default:
      throw new Error(`unexpected ZetaSQL value ${JSON.stringify(cell)}`)
  }
}

let language: Promise<object> | undefined

/** The maximum language features in BigQuery's (external) product mode. */
function languageOptions(): Promise<object> {
  language ??= zetasql.LanguageOptions.getMaxFeatures().then((max) => ({ ...max, productMode: 'PRODUCT_EXTERNAL' }))
  return language
}

let connectedPort: number | undefined

/**
 * Runs a compiled BigQuery query on the ZetaSQL server at `port` with the given tables, and
 * returns its rows as objects. Parameters (`@p0`, …) get the types the dialect's driver gives them.
 */
export async function evaluateOnZetaSql(
  port: number,
  compiled: CompiledQuery,
  tables: Readonly<Record<string, TableContents>> = {},
): Promise<Record<string, unknown>[]> {
  return (await queryOnZetaSql(port, compiled, tables)).rows
}

/** {@link evaluateOnZetaSql} with the result's column types (ZetaSQL TypeKinds), for keeping a result as a table. */
async function queryOnZetaSql(
  port: number,
  compiled: CompiledQuery,
  tables: Readonly<Record<string, TableContents>>,
): Promise<{ columns: Record<string, number>; rows: Record<string, unknown>[] }> {
  if (connectedPort !== port) {
    zetasql.ZetaSQLClient.init(port)
    connectedPort = port
  }
  const languageOptionsProto = await languageOptions()
  const { params, types } = bigQueryParameters(compiled.parameters)
  const parameters = Object.keys(params).map((name) => ({
    name,
    value: unwrapped(params[name]),
    type: types[name] ?? 'STRING',
  }))
  const request = {
    sql: compiled.sql,
    options: {
      languageOptions: languageOptionsProto,
      defaultTimezone: 'UTC',
      queryParameters: parameters.map(({ name, type }) => ({ name, type: typeProto(type) })),
    },
    simpleCatalog: {
      name: 'test',
      builtinFunctionOptions: { languageOptions: languageOptionsProto },
      table: Object.entries(tables).map(([name, t]) => ({
        name,
        column: Object.entries(t.columns).map(([column, type]) => ({ name: column, type: columnTypeProto(type) })),
      })),
    },
    tableContent: Object.fromEntries(
      Object.entries(tables).map(([name, t]) => [
        name,
        {
          tableData: {
            row: t.rows.map((row) => ({
              cell: Object.entries(t.columns).map(([column, type]) => columnValueProto(row[column], type)),
            })),
          },
        },
      ]),
    ),
    params: parameters.map(({ name, value, type }) => ({
      name,
      value: valueProto(value, type),
    })),
  }
  const response: any = await new Promise((resolve, reject) =>
    zetasql.ZetaSQLClient.API.evaluateQuery(request as never, (error: any, result: unknown) =>
      error ? reject(new Error(`ZetaSQL: ${error.details ?? error.message}\n${compiled.sql}`)) : resolve(result),
    ),
  )
  const prepared: { name: string; type: { typeKind: number } }[] = response.prepared?.columns ?? []
  const names = prepared.map((c) => c.name)
  return {
    columns: Object.fromEntries(prepared.map((c) => [c.name, c.type.typeKind])),
    rows: (response.content?.tableData?.row ?? []).map((row: { cell: unknown[] }) =>
      Object.fromEntries(names.map((name, i) => [name, jsValue(row.cell[i])])),
    ),
  }
}

/** A result column's type as a test table's column type; only the scalar types a table here can hold. */
function columnTypeOf(typeKind: number, column: string): ColumnType {
  const name = TYPE_NAMES[typeKind]
  if (name && name in TYPE_KIND && name !== 'BYTES') return name as ColumnType
  throw new Error(`ZetaSQL test tables cannot keep column ${column} of type ${name ?? typeKind}`)
}

/**
 * A resolved AST nests one message per SQL node, deeper than protobufjs' default limit of 100 (the
 * client then fails with "maximum nesting depth exceeded"): raise the limit of the protobufjs the
 * ZetaSQL client decodes with.
 */
function raiseProtobufRecursionLimit(): void {
  const fromZetaSql = createRequire(require.resolve('@fivetrandevelopers/zetasql'))
  const fromLoader = createRequire(fromZetaSql.resolve('@grpc/proto-loader'))
  const protobuf = fromLoader('protobufjs')
  protobuf.Reader.recursionLimit = Math.max(protobuf.Reader.recursionLimit ?? 100, 10_000)
  protobuf.util.recursionLimit = Math.max(protobuf.util.recursionLimit ?? 100, 10_000)
}

/** ZetaSQL's TypeKind numbers, by BigQuery's names. */
const TYPE_NAMES: Record<number, string> = {
  2: 'INT64',
  5: 'BOOL',
  7: 'FLOAT64',
  8: 'STRING',
  9: 'BYTES',
  10: 'DATE',
  16: 'ARRAY',
  17: 'STRUCT',
  19: 'TIMESTAMP',
  23: 'NUMERIC',
  26: 'JSON',
}

/** An output column of an analyzed query: its name and BigQuery type ('JSON', 'INT64', …). */
export interface AnalyzedColumn {
  readonly name: string
  readonly type: string
}

/**
 * Analyzes (resolves and type-checks, without data) a compiled BigQuery query on the ZetaSQL server
 * against a catalog of table layouts; returns the output columns, or rejects with ZetaSQL's error.
 */
export async function analyzeOnZetaSql(
  port: number,
  compiled: CompiledQuery,
  tables: Readonly<Record<string, TableContents['columns']>>,
): Promise<AnalyzedColumn[]> {
  if (connectedPort !== port) {
    zetasql.ZetaSQLClient.init(port)
    connectedPort = port
  }
  raiseProtobufRecursionLimit()
  const languageOptionsProto = await languageOptions()
  const { types } = bigQueryParameters(compiled.parameters)
  const request = {
    sqlStatement: compiled.sql,
    options: {
      languageOptions: languageOptionsProto,
      defaultTimezone: 'UTC',
      queryParameters: Object.entries(types).map(([name, type]) => ({ name, type: typeProto(type) })),
    },
    simpleCatalog: {
      name: 'layouts',
      builtinFunctionOptions: { languageOptions: languageOptionsProto },
      table: Object.entries(tables).map(([name, columns]) => ({
        name,
        column: Object.entries(columns).map(([column, type]) => ({ name: column, type: columnTypeProto(type) })),
      })),
    },
  }
  const response: any = await new Promise((resolve, reject) =>
    zetasql.ZetaSQLClient.API.analyze(request as never, (error: any, result: unknown) =>
      error ? reject(new Error(`ZetaSQL: ${error.details ?? error.message}\n${compiled.sql}`)) : resolve(result),
    ),
  )
  const query = response.resolvedStatement?.resolvedQueryStmtNode
  if (!query) throw new Error(`ZetaSQL analyzed no query: ${JSON.stringify(response).slice(0, 500)}`)
  return (query.outputColumnList ?? []).map((c: any) => ({
    name: c.name,
    type: TYPE_NAMES[c.column?.type?.typeKind] ?? String(c.column?.type?.typeKind),
  }))
}

/**
 * One connection to ZetaSQL, standing for a BigQuery connection with its session: a temporary table
 * made on it (`create temporary table … as select …`, evaluated now and kept as rows) is seen by its
 * later queries only, dropped by `drop table`, and gone when the connection is released.
 */
class ZetaSqlConnection implements DatabaseConnection {
  readonly #port: number
  readonly #tables: Readonly<Record<string, TableContents>>
  readonly #temporary: Record<string, TableContents> = {}

  constructor(port: number, tables: Readonly<Record<string, TableContents>>) {
    this.#port = port
    this.#tables = tables
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { query } = compiled
    if (CreateTableNode.is(query) && query.temporary && query.selectQuery) {
      const name = query.table.table.identifier.name
      const head = `create temporary table \`${escapeBigQueryIdentifier(name)}\` as `
      if (!compiled.sql.startsWith(head)) throw new Error(`ZetaSQL tests cannot run ${compiled.sql}`)
      const { columns, rows } = await queryOnZetaSql(
        this.#port,
        { ...compiled, sql: compiled.sql.slice(head.length) },
        this.#named(compiled.sql),
      )
      const types = Object.fromEntries(Object.entries(columns).map(([c, kind]) => [c, columnTypeOf(kind, c)]))
      this.#temporary[name] = { columns: types, rows }
      return { rows: [] }
    }
    if (DropTableNode.is(query) && !query.table.table.schema) {
      const name = query.table.table.identifier.name
      if (name in this.#temporary || query.ifExists) {
        delete this.#temporary[name]
        return { rows: [] }
      }
    }
    return { rows: (await evaluateOnZetaSql(this.#port, compiled, this.#named(compiled.sql))) as R[] }
  }

  /** Only the tables the query names (a temporary one over a table of its name): every table's contents travel with each request. */
  #named(text: string): Record<string, TableContents> {
    // Names as the compiler writes them (`it\'s`, `\u0001`), or bare in hand-written SQL.
    const bare = (name: string) => new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`)
    const named = Object.entries({ ...this.#tables, ...this.#temporary }).filter(
      ([name]) => text.includes(`\`${escapeBigQueryIdentifier(name)}\``) || bare(name).test(text),
    )
    return Object.fromEntries(named)
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered on ZetaSQL
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on ZetaSQL')
  }
}

/**
 * A Kysely that compiles with the BigQuery dialect and runs on the ZetaSQL server, over fixed
 * table contents (ZetaSQL evaluates queries, not writes): the bigquery engine's behavioural tests
 * use it like any other database. Each connection keeps its own temporary tables, as a BigQuery
 * connection's session does; a transaction has nothing to isolate, since nothing is written.
 */
export function createZetaSqlDb<DB = any>(
  port: number,
  tables: Readonly<Record<string, TableContents>> = {},
): Kysely<DB> {
  if (!port) throw new Error('no ZetaSQL server: the test setup starts one when its binary and tzdata are installed')
  const bigQueryDialect = new BigQueryDialect({ client: undefined as never })
  const dialect: Dialect = {
    createAdapter: () => bigQueryDialect.createAdapter(),
    createQueryCompiler: () => bigQueryDialect.createQueryCompiler(),
    createIntrospector: (db) => bigQueryDialect.createIntrospector(db),
    createDriver: (): Driver => ({
      init: async () => {},
      acquireConnection: async () => new ZetaSqlConnection(port, tables),
      beginTransaction: async () => {},
      commitTransaction: async () => {},
      rollbackTransaction: async () => {},
      releaseConnection: async () => {},
      destroy: async () => {},
    }),
  }
  return rememberEngine(new Kysely<DB>({ dialect }), bigquery)
}
