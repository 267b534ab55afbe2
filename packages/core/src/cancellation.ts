import type { CompiledQuery, Kysely, QueryResult } from 'kysely'

/** Raised when a query was cancelled on the database: its signal aborted or its time ran out. */
export class QueryCancelledError extends Error {
  override readonly name = 'QueryCancelledError'
}

/**
 * How a driver runs one query so that aborting `signal` stops it on the server (Kysely 0.28's
 * `execute` takes no signal, so each database factory registers its own way).
 */
export type CancellableRun = (compiled: CompiledQuery, signal: AbortSignal) => Promise<QueryResult<unknown>>

const runs = new WeakMap<Kysely<any>, CancellableRun>()

/** Remembers how queries on `db` can be cancelled (createPostgresDb, createPgliteDb, createBigQueryDb do). */
export function rememberCancellation<K extends Kysely<any>>(db: K, run: CancellableRun): K {
  runs.set(db, run)
  return db
}

/** The cancellable way to run a query on `db`, if its factory registered one. */
export function cancellationOf(db: Kysely<any>): CancellableRun | undefined {
  return runs.get(db)
}
