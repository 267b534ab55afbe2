import { invalid } from '@kysely-modelhub/core'
import { type QueryCreator, type SelectQueryBuilder, sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { columnsOf } from '../results/columns-of.ts'
import { connectionScopeOf } from './connection-scope.ts'
import { inlineParametersPlugin } from './sql-export.ts'

/** Where a query's rows are kept: a WITH clause, or a relation in the database. */
export type MaterializeKind = 'temp_table' | 'table' | 'view' | 'cte'

export const MATERIALIZE_KINDS: readonly MaterializeKind[] = ['cte', 'temp_table', 'table', 'view']

export interface MaterializeOptions<N extends string = string> {
  readonly kind: MaterializeKind
  /**
   * The relation's name: letters, digits and `_`, not starting with a digit; `schema.name` for
   * tables and views. Omitted → a fresh `modelhub_<random>` name, read under the alias `materialized`.
   */
  readonly name?: N
}

/** A query reading a materialized relation: the same rows, under the relation's name (or `materialized`). */
export type MaterializedQuery<O, N extends string> = SelectQueryBuilder<{ [K in N]: O }, N, O>

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Checks a name for the relation. Kysely quotes it either way, so this is not about injection: a
 * plain identifier reads the same on every engine and cannot be taken apart by Kysely's own name
 * parsing (`a.b`, `x as y`).
 */
function relationName(kind: MaterializeKind, name: unknown): string {
  const parts = typeof name === 'string' ? name.split('.') : []
  const schemaAllowed = kind === 'table' || kind === 'view'
  if (parts.length === 0 || parts.length > (schemaAllowed ? 2 : 1) || !parts.every((p) => IDENTIFIER.test(p))) {
    invalid(
      'materialize name',
      name,
      `expected letters, digits and _ not starting with a digit${schemaAllowed ? ', optionally as schema.name' : ' (no schema: a temporary table or CTE has none)'}`,
    )
  }
  return name as string
}

/** A fresh name: random, so concurrent callers and repeated calls never collide. */
function generatedName(): string {
  return `modelhub_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`
}

/** `select <the columns of q> from <relation>`: named columns keep the result readable by columnsOf. */
function reader<O, N extends string>(
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely or a transaction, whatever its database (invariant in it)
  db: QueryCreator<any>,
  relation: string,
  alias: string | undefined,
  q: AnyQuery<O>,
): MaterializedQuery<O, N> {
  const from = db.selectFrom(alias ? `${relation} as ${alias}` : relation)
  const columns = columnsOf(q)
  const query = columns
    ? from.select(columns.map((column) => (IDENTIFIER.test(column) ? column : sql.id(column).as(column))))
    : from.selectAll()
  return query as MaterializedQuery<O, N>
}

/**
 * Keeps the rows of `q` and returns a query builder over them, typed like `q`:
 * - `cte`: `with "name" as (<q>) select … from "name"` — one query, nothing runs now;
 * - `table` / `view`: `create table "name" as <q>` / `create view "name" as <q>` (a view cannot hold
 *   parameters, so its values are inlined through the engine's quoting), then reads it;
 * - `temp_table`: `create temporary table "name" as <q>`, then reads it. A temporary table exists
 *   only on the connection that made it, and a pool runs each query on any free connection, so
 *   this needs a hub bound to one connection: inside `hub.withConnection(async (h) => …)` or
 *   `hub.connect()` (the table is dropped when the connection is released), or on a hub over a
 *   transaction (`on commit drop`). Elsewhere it is an error, on every engine, so code written
 *   against single-connection PGlite keeps working against a pool.
 * Names are quoted by Kysely, never pasted into SQL.
 *
 * @example
 * await hub.withConnection(async (h) => {
 *   const events = await h.materialize(h.events(), { kind: 'temp_table' })
 *   return h.agg.uniqueUsers(events).execute()
 * })
 */
export async function materialize<O, N extends string>(
  hub: HubContext,
  q: AnyQuery<O>,
  options: MaterializeOptions<N>,
): Promise<MaterializedQuery<O, N>> {
  const kind = options?.kind
  if (!MATERIALIZE_KINDS.includes(kind))
    invalid('materialize kind', kind, `expected one of ${MATERIALIZE_KINDS.join(', ')}`)
  const named = options.name !== undefined
  const name = named ? relationName(kind, options.name) : generatedName()
  const alias = named ? undefined : 'materialized'
  const { db } = hub
  switch (kind) {
    case 'cte':
      return reader(
        // The CTE's name is only known at run time, so its type cannot be checked here.
        db.with(name, () => q as AnyQuery),
        name,
        alias,
        q,
      )
    case 'table':
      await db.schema.createTable(name).as(q).execute()
      return reader(db, name, alias, q)
    case 'view':
      // Not db.schema.createView: it takes 'schema.name' for one identifier. sql.table splits it.
      await sql`create view ${sql.table(name)} as ${q.withPlugin(inlineParametersPlugin(hub.engine))}`.execute(db)
      return reader(db, name, alias, q)
    case 'temp_table': {
      const scope = connectionScopeOf(db)
      if (!scope && !db.isTransaction) {
        invalid(
          'materialize kind',
          kind,
          "a temporary table lives on one database connection, and this hub's Kysely may run the next query on another: call it on the hub given by hub.withConnection(async (h) => h.materialize(q, { kind: 'temp_table' })) or hub.connect(), or on a hub over a transaction",
        )
      }
      const create = db.schema.createTable(name).temporary()
      await (scope ? create : create.onCommit('drop')).as(q).execute()
      scope?.tempTables.push(name)
      return reader(db, name, alias, q)
    }
  }
}
