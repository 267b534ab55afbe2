import type { Kysely } from 'kysely'
import type pg from 'pg'

/** Options of a PGlite query that loaders use: COPY … FROM '/dev/blob' reads `blob`. */
export interface PgliteQueryOptions {
  readonly blob?: Blob
}

/** What a PGlite query or a PGlite transaction offers for raw SQL. */
export interface PgliteQueryable {
  query<T>(query: string, params?: unknown[], options?: PgliteQueryOptions): Promise<{ rows: T[] }>
  exec(query: string): Promise<unknown>
}

/**
 * The part of a PGlite instance we use, described here rather than imported: PGlite is an optional
 * peer, so our published types must not need `@electric-sql/pglite` to be installed.
 */
export interface PgliteInstance extends PgliteQueryable {
  transaction<T>(callback: (tx: PgliteQueryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** What a Kysely we created runs on, for work Kysely cannot express, such as COPY. */
export type Connection = { readonly pool: pg.Pool } | { readonly pglite: PgliteInstance }

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
