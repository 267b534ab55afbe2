import { invalid, rememberCancellation, rememberEngine } from '@kysely-modelhub/core'
import { Kysely } from 'kysely'
import { pgliteCancellation } from './cancel.ts'
import { rememberConnection } from './connections.ts'
import { missingPglitePeer } from './missing-pglite-error.ts'
import { pgliteDialect } from './pglite-dialect.ts'
import { postgres } from './postgres-engine.ts'
import { PG_TYPE, resultParsers } from './result-types.ts'

export interface PgliteDbOptions {
  /** Where PGlite keeps its files; in memory when omitted. */
  readonly dataDir?: string
  /**
   * Postgres settings for PGlite's start, e.g. `{ shared_buffers: '16MB' }`. PGlite zeroes its
   * shared buffers (128MB by default) at every start, about 0.4 s of it on a small machine; a
   * model's scans of a large table use a small ring of them anyway.
   */
  readonly settings?: Readonly<Record<string, string>>
}

/** A setting's name: letters, digits, `_` and `.` (a custom `ext.name`), as Postgres allows. */
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/

/** `-c name=value` for each setting, checked: they are PGlite's command line, not SQL. */
function startSettings(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => {
    if (!SETTING_NAME.test(name)) invalid('settings', name, 'expected a Postgres setting name such as "shared_buffers"')
    if (typeof value !== 'string' || /[\0\n\r]/.test(value)) {
      invalid(`settings.${name}`, value, 'expected a text value on one line, such as "16MB"')
    }
    return ['-c', `${name}=${value}`]
  })
}

/** `PGlite` from `@electric-sql/pglite`, an optional peer: a pg-only app neither installs nor loads it. */
async function loadPglite(): Promise<typeof import('@electric-sql/pglite').PGlite> {
  try {
    return (await import('@electric-sql/pglite')).PGlite
  } catch (error) {
    throw missingPglitePeer('@electric-sql/pglite', error)
  }
}

/**
 * A Kysely on embedded PGlite (Postgres compiled to WebAssembly, in this process): no server,
 * the same SQL and the same result types as {@link createPostgresDb}. `db.destroy()` closes it.
 * Needs the optional peer `@electric-sql/pglite` (and `kysely-pglite-dialect` on Kysely 0.28).
 *
 * @example const db = await createPgliteDb<Database>({ dataDir: '.cache/pglite' })
 */
export async function createPgliteDb<DB>(options: PgliteDbOptions = {}): Promise<Kysely<DB>> {
  const settings = options.settings ? startSettings(options.settings) : []
  const PGlite = await loadPglite()
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(settings.length > 0 ? { startParams: [...PGlite.defaultStartParams, ...settings] } : {}),
    parsers: resultParsers,
    serializers: {
      [PG_TYPE.timestamp]: (value: unknown) => (value instanceof Date ? value.toISOString() : String(value)),
    },
  })
  await pglite.exec(`set time zone 'UTC'; set datestyle = 'ISO'`)
  const db = new Kysely<DB>({ dialect: await pgliteDialect(pglite) })
  rememberCancellation(db, pgliteCancellation(db))
  return rememberEngine(rememberConnection(db, { pglite }), postgres)
}
