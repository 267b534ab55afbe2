import { assertText, type Engine, invalid } from '@kysely-modelhub/core'
import {
  type AliasedExpression,
  AliasNode,
  IdentifierNode,
  type RawBuilder,
  SelectQueryNode,
  sql,
  TableNode,
} from 'kysely'
import type { AnyKysely } from './any-query.ts'

/** Postgres keeps the first 63 bytes of a name (NAMEDATALEN - 1): two longer names could read one table. */
const POSTGRES_NAME_BYTES = 63

/**
 * Checks the `table` option: dot-separated parts (`data`, `analytics.data`; on BigQuery also
 * `project.dataset.events`), each non-empty. Any other text is allowed in a part: it is quoted as an
 * identifier, never pasted. On Postgres a part longer than 63 bytes is an error, since the server
 * would silently shorten it.
 */
export function checkTableName(table: string, engine: Engine): string {
  assertText('option "table"', table)
  const parts = table.split('.')
  const most = engine.name === 'bigquery' ? 3 : 2
  const shape =
    engine.name === 'bigquery' ? '"events", "dataset.events" or "project.dataset.events"' : '"data" or "schema.data"'
  if (parts.length > most || parts.some((part) => part.length === 0)) {
    invalid(
      'option "table"',
      table,
      `expected ${shape}: ${most === 3 ? 'one to three' : 'one or two'} non-empty names joined by "."`,
    )
  }
  for (const part of parts) checkNameLength('option "table"', table, part, engine)
  return table
}

/** On Postgres a name over 63 bytes is an error: the server would silently shorten it. */
export function checkNameLength(what: string, given: unknown, name: string, engine: Engine): void {
  if (engine.name === 'postgres' && new TextEncoder().encode(name).length > POSTGRES_NAME_BYTES) {
    invalid(what, given, `the name "${name}" is longer than Postgres' 63 bytes, and Postgres would silently shorten it`)
  }
}

/** The table as a quoted identifier path: `"analytics"."data"`, `` `project`.`dataset`.`events` ``. */
export function tableReference(table: string): RawBuilder<unknown> {
  return sql.id(...table.split('.'))
}

/**
 * The table as a FROM item `<table> as <alias>`. A name or `schema.name` is a Kysely table node (each
 * part quoted, whatever its characters), so `db.withSchema('s')` puts an unqualified table in schema
 * s, as it does for the app's own tables; BigQuery's `project.dataset.table` stays a quoted path.
 * Refer to its columns unqualified: withSchema would qualify `<alias>.column` too when the alias
 * equals the table's name.
 */
export function tableSource<A extends string>(table: string, alias: A): AliasedExpression<unknown, A> {
  const parts = table.split('.')
  const [first = '', second] = parts
  const node =
    parts.length === 1
      ? TableNode.create(first)
      : parts.length === 2 && second !== undefined
        ? TableNode.createWithSchema(first, second)
        : tableReference(table).toOperationNode()
  return {
    get expression() {
      return tableReference(table)
    },
    get alias() {
      return alias
    },
    toOperationNode: () => AliasNode.create(node, IdentifierNode.create(alias)),
  }
}

/**
 * The table as `db` reads it: on a `withSchema('s')` Kysely an unqualified `data` is `s.data`. Found
 * by compiling a query through the Kysely's plugins (no round trip), since the schema is the plugin's.
 */
export function tableAsRead(db: AnyKysely, table: string): string {
  const { query } = db.selectFrom(tableSource(table, 'data')).selectAll().compile()
  const from = SelectQueryNode.is(query) ? query.from?.froms[0] : undefined
  const node = from && AliasNode.is(from) ? from.node : undefined
  const schema = node && TableNode.is(node) ? node.table.schema?.name : undefined
  return schema !== undefined && !table.includes('.') ? `${schema}.${table}` : table
}
