import { PGlite } from '@electric-sql/pglite'
import { rememberCancellation, rememberEngine } from '@kysely-modelhub/core'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { pgliteCancellation } from './cancel.ts'
import { rememberConnection } from './connections.ts'
import { postgres } from './postgres-engine.ts'
import { PG_TYPE, resultParsers } from './result-types.ts'

export interface PgliteDbOptions {
  /** Where PGlite keeps its files; in memory when omitted. */
  readonly dataDir?: string
}

/**
 * A Kysely on embedded PGlite (Postgres compiled to WebAssembly, in this process): no server,
 * the same SQL and the same result types as {@link createPostgresDb}. `db.destroy()` closes it.
 *
 * @example const db = await createPgliteDb<Database>({ dataDir: '.cache/pglite' })
 */
export async function createPgliteDb<DB>(options: PgliteDbOptions = {}): Promise<Kysely<DB>> {
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    parsers: resultParsers,
    serializers: {
      [PG_TYPE.timestamp]: (value: unknown) => (value instanceof Date ? value.toISOString() : String(value)),
    },
  })
  await pglite.exec(`set time zone 'UTC'; set datestyle = 'ISO'`)
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  rememberCancellation(db, pgliteCancellation(db))
  return rememberEngine(rememberConnection(db, { pglite }), postgres)
}
