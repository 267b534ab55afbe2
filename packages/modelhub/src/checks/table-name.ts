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
import type { AnyKysely } from '../hub/any-query.ts'

/**
 * Checks the `table` option against the engine's table names (`engine.tables`): dot-separated parts
 * (`data`, `analytics.data`; on BigQuery also `project.dataset.events`), each non-empty and one the
 * engine keeps exactly. Any other text is allowed in a part: it is quoted as an identifier, never
 * pasted.
 */
export function checkTableName(table: string, engine: Engine): string {
  assertText('option "table"', table)
  const { shapes } = engine.tables
  const parts = table.split('.')
  if (parts.length > shapes.length || parts.some((part) => part.length === 0)) {
    invalid(
      'option "table"',
      table,
      `expected ${alternatives(shapes.map((shape) => `"${shape}"`))}: ${partCounts(shapes.length)} non-empty names joined by "."`,
    )
  }
  for (const part of parts) checkName('option "table"', table, part, engine)
  return table
}

/** A name the engine would not keep exactly is an error (e.g. Postgres silently shortens names over 63 bytes). */
export function checkName(what: string, given: unknown, name: string, engine: Engine): void {
  const problem = engine.tables.nameProblem(name)
  if (problem !== undefined) invalid(what, given, problem)
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function alternatives(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

const NUMBER_WORDS = ['one', 'two', 'three', 'four', 'five']

/** How many parts a name may have, in words: `one`, `one or two`, `one to three`. */
function partCounts(most: number): string {
  const word = (n: number) => NUMBER_WORDS[n - 1] ?? String(n)
  return most <= 1 ? 'one' : most === 2 ? 'one or two' : `one to ${word(most)}`
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
