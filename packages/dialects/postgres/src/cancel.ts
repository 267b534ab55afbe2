import type { CancellableRun } from '@kysely-modelhub/core'
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import { pgModules } from './pg-modules.ts'

/**
 * Sends `pg_cancel_backend(pid)` on a connection of its own, not one of the pool's: a timeout
 * matters most when every pooled connection is busy.
 */
async function cancelBackend(pool: pg.Pool, pid: number): Promise<void> {
  const client = new (pgModules().pg.Client)(pool.options)
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select pg_cancel_backend($1)', [pid])
  } finally {
    await client.end().catch(() => {})
  }
}

/** A promise that rejects with the signal's reason when it aborts (and never resolves). */
function aborted(signal: AbortSignal): { promise: Promise<never>; stop(): void } {
  let stop = () => {}
  const promise = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    stop = () => signal.removeEventListener('abort', onAbort)
  })
  promise.catch(() => {})
  return { promise, stop }
}

/**
 * Cancellation on a pg pool: the query runs on a connection held for it, whose server process id
 * is read first; an abort sends `pg_cancel_backend(pid)` from a separate connection, which stops
 * the statement on the server (the held connection stays usable). The connection goes back to the
 * pool only after any cancel request has been answered, so a late cancel can never reach a query
 * of the next borrower. An abort while still waiting for a connection rejects at once (the query
 * never started); a connection that arrives later goes straight back.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export function poolCancellation(db: Kysely<any>, pool: pg.Pool): CancellableRun {
  return async (compiled, signal, reached) => {
    const waiting = aborted(signal)
    const run = db.connection().execute(async (connection) => {
      // From here an abort cancels on the server, and the run settles once the cancel is answered.
      waiting.stop()
      signal.throwIfAborted()
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection)
      const pid = rows[0]?.pid
      let cancelling: Promise<unknown> | undefined
      const cancel = () => {
        if (pid !== undefined) cancelling ??= cancelBackend(pool, pid).catch(() => {})
      }
      signal.addEventListener('abort', cancel, { once: true })
      try {
        signal.throwIfAborted()
        reached()
        return await connection.executeQuery(compiled)
      } finally {
        signal.removeEventListener('abort', cancel)
        await cancelling
      }
    })
    run.catch(() => {})
    try {
      return await Promise.race([run, waiting.promise])
    } finally {
      waiting.stop()
    }
  }
}

/**
 * PGlite runs each query synchronously in this thread: nothing (not a timer, not an abort) can run
 * until it returns, and it ignores statement_timeout. So a signal is honoured only before the
 * query starts (including while it waits behind other queries); a running query completes.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export function pgliteCancellation(db: Kysely<any>): CancellableRun {
  return async (compiled, signal, reached) => {
    signal.throwIfAborted()
    reached()
    return db.executeQuery(compiled)
  }
}
