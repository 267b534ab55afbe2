import { ConnectionLostError, type Engine } from '@kysely-modelhub/core'
import type { Kysely, KyselyPlugin } from 'kysely'
import type { AnyKysely } from '../hub/any-query.ts'

/** Raised when a query is built or run through a connection scope that has ended. */
export class ConnectionReleasedError extends Error {
  override readonly name = 'ConnectionReleasedError'
}

/** What one held connection knows: the temporary tables made on it, and whether it was given back. */
export interface ConnectionScope {
  readonly tempTables: string[]
  released: boolean
}

/** A hub bound to one held connection, and the way to give the connection back. */
export interface HubConnection<H> {
  /** The hub whose every query runs on the held connection. */
  readonly hub: H
  /** Drops the temporary tables made through `hub` and returns the connection to the pool. Idempotent. */
  release(): Promise<void>
}

/** Kyselys bound to a held connection (by us), with their scope. */
const scopes = new WeakMap<AnyKysely, ConnectionScope>()

/** `copy` (e.g. a `withPlugin` copy of `db`) on the held connection of `db`, if `db` is on one. */
export function sameScope(copy: AnyKysely, db: AnyKysely): void {
  const scope = scopes.get(db)
  if (scope) scopes.set(copy, scope)
}

/** The scope of a Kysely bound by {@link holdConnection}, if it is one. */
export function connectionScopeOf(db: AnyKysely): ConnectionScope | undefined {
  return scopes.get(db)
}

/** Refuses every query once the scope has ended: its connection may be serving someone else by then. */
function releasedGuard(scope: ConnectionScope): KyselyPlugin {
  return {
    transformQuery({ node }) {
      if (scope.released) {
        throw new ConnectionReleasedError(
          'this query belongs to a hub.withConnection / hub.connect scope that has ended: its connection went back to the pool and its temporary tables were dropped; build and run queries inside the scope',
        )
      }
      return node
    },
    transformResult: async ({ result }) => result,
  }
}

/**
 * Holds one connection of `db` until `release()`: the returned Kysely runs every query on it
 * (Kysely's `db.connection()`, kept open across calls). On release the temporary tables recorded
 * in its scope are dropped on that same connection, so a pooled connection goes back clean and the
 * next borrower cannot see them (unless the engine's release ends them anyway: a BigQuery session); afterwards the Kysely refuses to build or run queries.
 *
 * Inside a scope, or on a transaction, there already is one connection: it is reused, and the
 * release does nothing (the outer scope or the transaction owns it).
 */
export async function holdConnection<DB>(
  db: Kysely<DB>,
  engine: Engine,
): Promise<{ db: Kysely<DB>; release(): Promise<void> }> {
  if (scopes.has(db) || db.isTransaction) return { db, release: async () => {} }
  let giveBack!: () => void
  const releaseRequested = new Promise<void>((resolve) => {
    giveBack = resolve
  })
  let bind!: (bound: { db: Kysely<DB>; scope: ConnectionScope }) => void
  const bound = new Promise<{ db: Kysely<DB>; scope: ConnectionScope }>((resolve) => {
    bind = resolve
  })
  const done = db.connection().execute(async (connection) => {
    const scope: ConnectionScope = { tempTables: [], released: false }
    const guarded = connection.withPlugin(releasedGuard(scope))
    scopes.set(guarded, scope)
    bind({ db: guarded, scope })
    await releaseRequested
    if (engine.tables.temporaryEndWithConnection) return
    // `connection` has no guard: it still runs the drops after the scope refuses user queries.
    for (const table of scope.tempTables.reverse()) {
      try {
        await connection.schema.dropTable(table).ifExists().execute()
      } catch (error) {
        // A lost connection took its session's temporary tables with it: nothing is left to drop.
        if (error instanceof ConnectionLostError) break
        throw error
      }
    }
  })
  const held = await Promise.race([bound, done.then(() => undefined)])
  if (!held) throw new Error('holdConnection: the connection was released before it was bound')
  let released: Promise<void> | undefined
  return {
    db: held.db,
    release() {
      if (!released) {
        held.scope.released = true
        giveBack()
        released = done
      }
      return released
    },
  }
}

/**
 * Runs `fn` with `bind(db)` on one held connection and releases it when `fn` settles (see
 * {@link holdConnection}); `fn`'s error wins over an error while releasing.
 */
export async function withHeldConnection<DB, H, T>(
  db: Kysely<DB>,
  engine: Engine,
  bind: (db: Kysely<DB>) => H,
  fn: (hub: H) => Promise<T> | T,
): Promise<T> {
  const held = await holdConnection(db, engine)
  let result: T
  try {
    result = await fn(bind(held.db))
  } catch (error) {
    await held.release().catch(() => {})
    throw error
  }
  await held.release()
  return result
}

/** {@link holdConnection} as a handle around a hub: for notebooks and REPLs, where a callback is awkward. */
export async function connectHub<DB, H>(
  db: Kysely<DB>,
  engine: Engine,
  bind: (db: Kysely<DB>) => H,
): Promise<HubConnection<H>> {
  const held = await holdConnection(db, engine)
  return { hub: bind(held.db), release: () => held.release() }
}
