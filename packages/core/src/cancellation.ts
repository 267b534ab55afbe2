import type { CompiledQuery, Kysely, QueryResult } from 'kysely'
import { type DatabaseErrorOptions, ModelHubDatabaseError } from './database-errors.ts'

/**
 * Raised when a query's signal aborted or its time ran out. `reachedDatabase` says which: true when
 * the query was running and was cancelled on the database, false when it never started there
 * (it was waiting for a connection, or the database did not answer).
 */
export class QueryCancelledError extends ModelHubDatabaseError {
  override readonly name = 'QueryCancelledError'
  readonly reachedDatabase: boolean

  constructor(message: string, options: DatabaseErrorOptions & { readonly reachedDatabase?: boolean } = {}) {
    super(message, options)
    this.reachedDatabase = options.reachedDatabase ?? false
  }
}

/**
 * How a driver runs one query so that aborting `signal` stops it on the server (Kysely 0.28's
 * `execute` takes no signal, so each database factory registers its own way). The run calls
 * `reached()` once the query has been sent to the database, so a cancellation can say whether it
 * stopped a running query or one that never started.
 */
export type CancellableRun = (
  compiled: CompiledQuery,
  signal: AbortSignal,
  reached: () => void,
) => Promise<QueryResult<unknown>>

// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
const runs = new WeakMap<Kysely<any>, CancellableRun>()

/** Remembers how queries on `db` can be cancelled (createPostgresDb, createPgliteDb, createBigQueryDb do). */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export function rememberCancellation<K extends Kysely<any>>(db: K, run: CancellableRun): K {
  runs.set(db, run)
  return db
}

/** The cancellable way to run a query on `db`, if its factory registered one. */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export function cancellationOf(db: Kysely<any>): CancellableRun | undefined {
  return runs.get(db)
}
