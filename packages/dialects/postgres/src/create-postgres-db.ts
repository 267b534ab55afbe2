import { rememberCancellation, rememberEngine } from '@kysely-modelhub/core'
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { poolCancellation } from './cancel.ts'
import { rememberConnection } from './connections.ts'
import { postgres } from './postgres-engine.ts'
import { resultParsers, serializeParameters } from './result-types.ts'

export type PostgresDbOptions =
  | { readonly connectionString: string; readonly max?: number; readonly pool?: undefined }
  | { readonly pool: pg.Pool; readonly connectionString?: undefined }

/** pg's type hook: our parsers first, pg's own for everything else. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    resultParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/** Streams results with the same types and parameters as ordinary queries. */
class ModelHubCursor<R> extends Cursor<R> {
  constructor(text: string, values?: unknown[], config?: Cursor.CursorQueryConfig) {
    super(text, serializeParameters(values), { ...config, types })
  }
}

/** Our result types on a client of any pool, without changing pg's global type parsers. */
function typedClient(client: pg.PoolClient): PostgresPoolClient {
  return {
    query: ((text: unknown, values?: unknown[]) =>
      typeof text === 'string'
        ? client.query({ text, values: serializeParameters(values), types })
        : client.query(text as pg.Submittable)) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  }
}

function typedPool(pool: pg.Pool): PostgresPool {
  return { connect: async () => typedClient(await pool.connect()), end: () => pool.end() }
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
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: typedPool(pool), cursor: ModelHubCursor }) })
  rememberCancellation(db, poolCancellation(db, pool))
  return rememberEngine(rememberConnection(db, { pool }), postgres)
}

function ownPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, options: '-c TimeZone=UTC -c DateStyle=ISO' })
  // An idle connection the server closes must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  return pool
}
