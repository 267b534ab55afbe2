import type { PGlite } from '@electric-sql/pglite'
import type { Kysely } from 'kysely'
import type pg from 'pg'

/** What a Kysely we created runs on, for work Kysely cannot express, such as COPY. */
export type Connection = { readonly pool: pg.Pool } | { readonly pglite: PGlite }

/** Weak, so a destroyed and forgotten Kysely takes its entry with it. */
const connections = new WeakMap<object, Connection>()

/** Records what `db` runs on, and returns `db`. */
export function rememberConnection<DB>(db: Kysely<DB>, connection: Connection): Kysely<DB> {
  connections.set(db, connection)
  return db
}

/**
 * The pg pool or PGlite instance under a Kysely from `createPostgresDb` / `createPgliteDb`, or
 * `undefined` for any other Kysely, including transactions and `withPlugin` copies of ours.
 */
export function connectionOf<DB>(db: Kysely<DB>): Connection | undefined {
  return connections.get(db)
}
