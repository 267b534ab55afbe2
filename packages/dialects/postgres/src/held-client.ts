import type pg from 'pg'
import { isConnectionLoss } from './database-errors.ts'

/** A pg client checked out of a pool, watched for the server closing its connection while we hold it. */
export interface HeldClient {
  readonly client: pg.PoolClient
  /** What closed the connection, once it is closed; queries must not be sent after that. */
  lost(): unknown
  /**
   * Calls `listener` with what closed the connection when the server closes it while held (at once
   * if it is closed already): for work whose own promise a dead connection may never settle (a
   * cursor's read or close). Returns the unsubscribe: a listener left behind would keep what its
   * work settled with (a streamed batch of rows) for as long as the client lives.
   */
  onLost(listener: (cause: unknown) => void): () => void
  /** Records an error a query got; a connection-level one marks the client lost. */
  failed(error: unknown): void
  /** Gives the client back: a lost (or `discard`ed) one is destroyed by the pool, never reused. */
  release(discard?: boolean): void
}

// A discarded client may still report late socket errors while it closes: nobody can act on them.
const ignore = (): void => {}

/** New clients whose server closed them before holdClient could listen (see watchNewClients). */
const lostOnArrival = new WeakMap<pg.ClientBase, unknown>()
const watchedPools = new WeakSet<pg.Pool>()

/**
 * Listens to each new client of `pool` from the moment pg-pool hands it out until the task ends.
 * The server's goodbye can arrive in the same socket read as the connection's first ReadyForQuery,
 * and pg then emits it before any awaiting code can add a listener (seen under `pnpm soak`); it
 * is kept for holdClient. The listener is gone before any other code sees the client.
 */
export function watchNewClients(pool: pg.Pool): void {
  if (watchedPools.has(pool)) return
  watchedPools.add(pool)
  pool.on('connect', (client) => {
    const early = (error: unknown): void => {
      lostOnArrival.set(client, error)
    }
    client.on('error', early)
    queueMicrotask(() => client.removeListener('error', early))
  })
}

/**
 * Holds `client` (from any pool, ours or the app's): while held, an `error` event (a checked-out pg
 * client has no listener, and node-postgres throws an unheard `error`, ending the process) is
 * recorded instead, and fails only this client's queries. The listener goes on release, so the
 * pool's own handling of its idle clients is what the app set up.
 */
export function holdClient(client: pg.PoolClient): HeldClient {
  let lostBy: unknown = lostOnArrival.get(client)
  const listeners = new Set<(cause: unknown) => void>()
  const onError = (error: unknown): void => {
    const first = lostBy === undefined
    lostBy ??= error
    if (first) for (const listener of [...listeners]) listener(lostBy)
  }
  // With a query running, pg hands the error to that query and only says 'end' to the client.
  const onEnd = (): void => onError(new Error('Connection terminated unexpectedly'))
  client.on('error', onError)
  client.on('end', onEnd)
  let released = false
  return {
    client,
    lost: () => lostBy,
    onLost(listener) {
      if (lostBy !== undefined) {
        const cause = lostBy
        queueMicrotask(() => listener(cause))
        return () => {}
      }
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    failed(error) {
      if (isConnectionLoss(error)) onError(error)
    },
    release(discard = false) {
      if (released) return
      released = true
      client.removeListener('error', onError)
      client.removeListener('end', onEnd)
      if (lostBy !== undefined) client.on('error', ignore)
      client.release(lostBy !== undefined || discard)
    },
  }
}
