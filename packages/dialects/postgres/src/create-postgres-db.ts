import { rememberCancellation, rememberEngine } from '@kysely-modelhub/core'
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely'
import type pg from 'pg'
import type Cursor from 'pg-cursor'
import { poolCancellation } from './cancel.ts'
import { rememberConnection } from './connections.ts'
import { connectionLost, toConnectError, toQueryError } from './database-errors.ts'
import { type HeldClient, holdClient, watchNewClients } from './held-client.ts'
import { pgModules } from './pg-modules.ts'
import { postgres } from './postgres-engine.ts'
import { resultParsers, serializeParameters } from './result-types.ts'

export type PostgresDbOptions =
  | { readonly connectionString: string; readonly max?: number; readonly pool?: undefined }
  | { readonly pool: pg.Pool; readonly connectionString?: undefined }

/** pg's type hook: our parsers first, pg's own for everything else. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    resultParsers[oid] ?? pgModules().pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

let cursorClass: ReturnType<typeof defineCursor> | undefined

/** The cursor class, defined once pg-cursor is loaded (its base class). */
function modelHubCursor(): ReturnType<typeof defineCursor> {
  cursorClass ??= defineCursor(pgModules().Cursor)
  return cursorClass
}

/**
 * A cursor over pg-cursor's class that streams results with the same types and parameters as
 * ordinary queries, and with the same errors: a connection lost mid-stream rejects the read with a
 * ConnectionLostError.
 */
function defineCursor(Base: typeof Cursor) {
  return class ModelHubCursor<R> extends Base<R> {
    readonly #sql: string
    #held: HeldClient | undefined

    constructor(text: string, values?: unknown[], config?: Cursor.CursorQueryConfig) {
      super(text, serializeParameters(values), { ...config, types })
      this.#sql = text
    }

    /** The client this cursor runs on (set when it is submitted through {@link typedClient}). */
    runsOn(held: HeldClient): this {
      this.#held = held
      return this
    }

    override read(maxRows: number): Promise<R[]>
    override read(maxRows: number, callback: Cursor.ResultCallback<R>): undefined
    override read(maxRows: number, callback?: Cursor.ResultCallback<R>): Promise<R[]> | undefined
    override read(maxRows: number, callback?: Cursor.ResultCallback<R>): Promise<R[]> | undefined {
      if (callback) return super.read(maxRows, callback)
      // pg-cursor may never settle a read whose connection the server closed (seen under pnpm soak):
      // the client's loss settles it.
      return this.#untilLost(super.read(maxRows)).catch((error: unknown) => {
        this.#held?.failed(error)
        throw toQueryError(error, this.#sql)
      })
    }

    override close(): Promise<void>
    override close(callback: (err: Error) => void): undefined
    override close(callback?: (err: Error) => void): Promise<void> | undefined
    override close(callback?: (err: Error) => void): Promise<void> | undefined {
      if (callback) return super.close(callback)
      // pg-cursor would wait for the server to confirm the close, which a closed connection never does.
      if (this.#held?.lost() !== undefined) return Promise.resolve()
      return this.#untilLost(super.close()).catch((error: unknown) => {
        // Nothing is left to close on a connection the server closed.
        if (this.#held?.lost() === undefined) throw error
      })
    }

    /**
     * pg hands the server's goodbye (e.g. 57P01) to the running cursor first; recording it here makes
     * it the reason reported, not the socket error pg-cursor's later write to the dead socket causes.
     * (pg-cursor's handleError is not in its type declarations, hence the cast.)
     */
    handleError(error: unknown): void {
      this.#held?.failed(error)
      ;(Base.prototype as unknown as { handleError(error: unknown): void }).handleError.call(this, error)
    }

    /**
     * `work`, or a rejection with what closed the connection if the server closes it first. The
     * listener goes when `work` settles: nothing keeps a read's rows once the caller has them.
     */
    #untilLost<T>(work: Promise<T>): Promise<T> {
      const held = this.#held
      if (!held) return work
      return new Promise<T>((resolve, reject) => {
        const stop = held.onLost((cause) => reject(connectionLost(cause, this.#sql)))
        work.then(
          (value) => {
            stop()
            resolve(value)
          },
          (error: unknown) => {
            stop()
            reject(error)
          },
        )
      })
    }
  }
}

/**
 * Our result types and errors on a client of any pool, without changing pg's global type parsers:
 * errors are mapped to the hub's classes (database-errors.ts), and a client whose connection the
 * server closed fails its queries instead of the process, and is discarded on release.
 */
function typedClient(held: HeldClient): PostgresPoolClient {
  const { client } = held
  const query = (text: unknown, values?: unknown[]): unknown => {
    if (text instanceof modelHubCursor()) return client.query(text.runsOn(held))
    if (typeof text !== 'string') return client.query(text as pg.Submittable)
    const lost = held.lost()
    if (lost !== undefined) return Promise.reject(connectionLost(lost, text, { sent: false }))
    return client.query({ text, values: serializeParameters(values), types }).catch((error: unknown) => {
      held.failed(error)
      throw toQueryError(error, text)
    })
  }
  return {
    query: query as PostgresPoolClient['query'],
    release: (discard?: boolean) => held.release(discard),
  }
}

function typedPool(pool: pg.Pool): PostgresPool {
  watchNewClients(pool)
  return {
    connect: async () => {
      try {
        return typedClient(holdClient(await pool.connect()))
      } catch (error) {
        throw toConnectError(error)
      }
    },
    end: () => pool.end(),
  }
}

/**
 * A Kysely on a Postgres server through pg. Timestamps come back as UTC instants, dates as
 * 'YYYY-MM-DD', counts as numbers. Connects only when the first query runs. A pool we create
 * sets the session time zone to UTC; a pool you pass keeps its settings.
 *
 * @example const db = createPostgresDb<Database>({ connectionString: process.env.DATABASE_URL! })
 */
export function createPostgresDb<DB>(options: PostgresDbOptions): Kysely<DB> {
  const pool = options.pool ?? ownPool(options.connectionString, options.max)
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: typedPool(pool), cursor: modelHubCursor() }) })
  rememberCancellation(db, poolCancellation(db, pool))
  return rememberEngine(rememberConnection(db, { pool }), postgres)
}

function ownPool(connectionString: string, max = 10): pg.Pool {
  const pool = new (pgModules().pg.Pool)({ connectionString, max, options: '-c TimeZone=UTC -c DateStyle=ISO' })
  // An idle connection the server closes must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  return pool
}
