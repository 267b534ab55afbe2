import type pg from 'pg'
import { isConnectionLoss } from './database-errors.ts'

/** A pg client checked out of a pool, watched for the server closing its connection while we hold it. */
export interface HeldClient {
  readonly client: pg.PoolClient
  /** What closed the connection, once it is closed; queries must not be sent after that. */
  lost(): unknown
  /** Records an error a query got; a connection-level one marks the client lost. */
  failed(error: unknown): void
  /** Gives the client back: a lost (or `discard`ed) one is destroyed by the pool, never reused. */
  release(discard?: boolean): void
}

// A discarded client may still report late socket errors while it closes: nobody can act on them.
const ignore = (): void => {}

/**
 * Holds `client` (from any pool, ours or the app's): while held, an `error` event (a checked-out pg
 * client has no listener, and node-postgres throws an unheard `error`, ending the process) is
 * recorded instead, and fails only this client's queries. The listener goes on release, so the
 * pool's own handling of its idle clients is what the app set up.
 */
export function holdClient(client: pg.PoolClient): HeldClient {
  let lostBy: unknown
  const onError = (error: unknown): void => {
    lostBy ??= error
  }
  client.on('error', onError)
  let released = false
  return {
    client,
    lost: () => lostBy,
    failed(error) {
      if (isConnectionLoss(error)) lostBy ??= error
    },
    release(discard = false) {
      if (released) return
      released = true
      client.removeListener('error', onError)
      if (lostBy !== undefined) client.on('error', ignore)
      client.release(lostBy !== undefined || discard)
    },
  }
}
