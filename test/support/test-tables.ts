import { type Kysely, sql } from 'kysely'
import type { ColumnType, TableContents } from './zetasql.ts'

/**
 * A test table every engine can hold: its columns in BigQuery's type names and its rows as plain
 * values. ZetaSQL receives it as table contents; on Postgres it is created and filled. Where the
 * Postgres type is not the plain translation (uuid, json rather than jsonb), `postgresTypes` says so.
 */
export interface TestTable extends TableContents {
  readonly postgresTypes?: Readonly<Record<string, string>>
  /** Columns Postgres indexes (as the collector's table does on `day`). */
  readonly indexes?: readonly string[]
}

export type TestTables = Readonly<Record<string, TestTable>>

const POSTGRES_TYPES: Record<string, string> = {
  STRING: 'text',
  INT64: 'bigint',
  FLOAT64: 'double precision',
  BOOL: 'boolean',
  JSON: 'jsonb',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
}

function postgresType(type: ColumnType): string {
  const name = typeof type === 'string' ? POSTGRES_TYPES[type] : undefined
  if (!name) throw new Error(`no Postgres type for ${JSON.stringify(type)}: give it in postgresTypes`)
  return name
}

/** A cell as Postgres takes it: JSON columns as their text. */
function postgresValue(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null
  return type === 'JSON' && typeof value !== 'string' ? JSON.stringify(value) : value
}

/** Creates and fills the tables on a Postgres (or PGlite) database. */
export async function createPostgresTables(db: Kysely<any>, tables: TestTables): Promise<void> {
  for (const [name, table] of Object.entries(tables)) {
    const columns = Object.entries(table.columns).map(
      ([column, type]) => sql`${sql.id(column)} ${sql.raw(table.postgresTypes?.[column] ?? postgresType(type))}`,
    )
    await sql`create table ${sql.table(name)} (${sql.join(columns)})`.execute(db)
    for (const column of table.indexes ?? [])
      await sql`create index on ${sql.table(name)} (${sql.id(column)})`.execute(db)
    // A batch at a time keeps under Postgres' 65,535 bind parameters.
    const size = Math.max(1, Math.floor(10_000 / Object.keys(table.columns).length))
    for (let start = 0; start < table.rows.length; start += size) {
      const rows = table.rows
        .slice(start, start + size)
        .map((row) =>
          Object.fromEntries(
            Object.entries(table.columns).map(([column, type]) => [column, postgresValue(row[column], type)]),
          ),
        )
      await db.insertInto(name).values(rows).execute()
    }
  }
}
