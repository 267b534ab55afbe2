import { cancellationOf, invalid, QueryCancelledError } from '@kysely-modelhub/core'
import type { CompiledQuery } from 'kysely'
import type { AnyKysely } from '../hub/any-query.ts'

/** A query builder, or raw `sql` (compiled on the Kysely it runs on). */
export interface RunnableQuery<O> {
  compile(db: AnyKysely): CompiledQuery<O>
}

/** How long a query may run, and a signal that cancels it. */
export interface ExecuteOptions {
  /** Cancels the query on the server once it has run this many milliseconds. */
  readonly timeoutMs?: number
  /** Aborting it cancels the query on the server. */
  readonly signal?: AbortSignal
}

function checkTimeout(timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined
  if (typeof timeoutMs === 'number' && Number.isSafeInteger(timeoutMs) && timeoutMs > 0) return timeoutMs
  return invalid('timeoutMs', timeoutMs, 'expected a whole number of milliseconds, 1 or more')
}

/** What cancelled a query, in words. */
function why(signal: AbortSignal, timeoutMs: number | undefined, timeout: AbortSignal | undefined): string {
  if (timeout?.aborted && timeoutMs !== undefined) return `it ran longer than timeoutMs ${timeoutMs}`
  const reason = signal.reason
  return `its signal was aborted${reason instanceof Error && reason.message ? ` (${reason.message})` : ''}`
}

/**
 * Runs a query like `q.execute()`, and cancels it on the database when `signal` aborts or
 * `timeoutMs` passes, rejecting with a {@link QueryCancelledError} whose message and
 * `reachedDatabase` say whether the query was stopped on the database or never started there
 * (still waiting for a connection). Postgres (a pg pool): the
 * statement is stopped with pg_cancel_backend and the connection stays in the pool. BigQuery: the
 * job is cancelled. PGlite runs queries synchronously in this thread and cannot stop one that has
 * started: there the signal is honoured only before the query starts.
 *
 * @example const rows = await executeWithSignal(db, hub.agg.uniqueUsers(hub.events()), { timeoutMs: 30_000 })
 */
export async function executeWithSignal<O>(
  db: AnyKysely,
  q: RunnableQuery<O>,
  options: ExecuteOptions = {},
): Promise<O[]> {
  const timeoutMs = checkTimeout(options.timeoutMs)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    invalid('signal', options.signal, 'expected an AbortSignal, e.g. new AbortController().signal')
  }
  const run = cancellationOf(db)
  if (!run) {
    return invalid(
      'cancellable query',
      'this Kysely',
      'signal and timeoutMs need a Kysely made by createPostgresDb, createPgliteDb or createBigQueryDb (not a transaction or a hub.withConnection copy)',
    )
  }
  const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)
  const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined)
  const signal = signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals)
  if (signal.aborted) throw new QueryCancelledError(`query not run: ${why(signal, timeoutMs, timeout)}`)
  const compiled = q.compile(db)
  let reached = false
  try {
    const result = await run(compiled, signal, () => {
      reached = true
    })
    return result.rows as O[]
  } catch (error) {
    if (!signal.aborted) throw error
    const options = { cause: error, query: compiled.sql, reachedDatabase: reached }
    if (reached) {
      throw new QueryCancelledError(`query cancelled on the database: ${why(signal, timeoutMs, timeout)}`, options)
    }
    throw new QueryCancelledError(
      `query never started on the database: ${why(signal, timeoutMs, timeout)} while waiting for a connection (every connection busy, or the database slow to answer or unreachable)`,
      options,
    )
  }
}
