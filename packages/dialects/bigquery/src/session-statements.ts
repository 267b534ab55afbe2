import { type CompiledQuery, CreateTableNode, RawNode } from 'kysely'

/**
 * A temporary table or function outlives its statement only in a BigQuery session: without one, a
 * lone `create temp table` fails ("requires a script or session"). Kysely's builder says so in its
 * node (`createTable(…).temporary()`); raw SQL is read from its first words.
 */
const TEMPORARY_DDL = /^\s*create\s+(?:or\s+replace\s+)?temp(?:orary)?\s+(?:table|function)\b/i

/** Whether a statement makes something that lives in the session, so the connection needs one. */
export function needsSession(compiledQuery: CompiledQuery): boolean {
  const { query } = compiledQuery
  if (CreateTableNode.is(query)) return query.temporary === true
  return RawNode.is(query) && TEMPORARY_DDL.test(compiledQuery.sql)
}
