import type { EngineCatalog, EngineTables } from '@kysely-modelhub/core'
import { sql } from 'kysely'

/** Postgres keeps the first 63 bytes of a name (NAMEDATALEN - 1): two longer names could read one table. */
const NAME_BYTES = 63

/** Postgres table names: `data` or `schema.data`, each name at most 63 bytes. */
export const postgresTables: EngineTables = {
  defaultName: 'data',
  shapes: ['data', 'schema.data'],
  nameProblem: (name) =>
    new TextEncoder().encode(name).length > NAME_BYTES
      ? `the name "${name}" is longer than Postgres' 63 bytes, and Postgres would silently shorten it`
      : undefined,
  // A pooled connection lives on: the hub drops what it made before giving it back.
  temporaryEndWithConnection: false,
}

/** A relation name as to_regclass reads it: each part a quoted identifier. */
const regclassText = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.')

/** The Postgres catalog: to_regclass and pg_attribute, which need no privilege on the table itself. */
export const postgresCatalog: EngineCatalog = {
  async tableColumns(db, table) {
    const { rows } = await sql<{ found: boolean; columns: string[] }>`select r.oid is not null as found,
    array(select a.attname::text from pg_attribute a where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns
    from (select to_regclass(${regclassText(table)}) as oid) as r`.execute(db)
    return rows[0]?.found ? rows[0].columns : undefined
  },
}
