import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Kysely } from 'kysely'
import { userCacheDir } from './cache-dir.ts'

/** How many sample events the demo and `run` load when nothing else is asked for. */
export const DEFAULT_SAMPLE_EVENTS = 30_000

/** Where the sample PGlite databases live: the user's cache directory (see {@link userCacheDir}). */
export const CACHE_DIR = userCacheDir()

// Drivers and sample data (zod, the generator, COPY streams) load when a command opens a database.
const createPgliteDb: typeof import('@kysely-modelhub/postgres').createPgliteDb = async (options) =>
  (await import('@kysely-modelhub/postgres')).createPgliteDb(options)
const postgresDriver = () => import('@kysely-modelhub/postgres')
const loadSampleData: typeof import('@kysely-modelhub/sample-data').loadSampleData = async (db, options) =>
  (await import('@kysely-modelhub/sample-data')).loadSampleData(db, options)

export interface OpenDatabaseOptions {
  /** A Postgres server, opened to read only; the embedded sample PGlite when omitted. */
  readonly databaseUrl?: string | undefined
  /** Sample events in the embedded PGlite, generated on its first run. Default {@link DEFAULT_SAMPLE_EVENTS}. */
  readonly sampleEvents?: number | undefined
  /** Where the sample PGlite keeps its files. Default `<CACHE_DIR>/` and {@link sampleDirName}. */
  readonly dataDir?: string | undefined
  /** Called with a line of news (loading sample data, …). */
  readonly log?: ((line: string) => void) | undefined
}

export interface OpenedDatabase {
  /** The user's database: its tables are for the caller to name. */
  // biome-ignore lint/suspicious/noExplicitAny: any database (Kysely is invariant in it), as callers of this public type query it
  readonly db: Kysely<any>
  /** Where the data is, for people: 'PGlite at …' or the server URL without its password. */
  readonly description: string
  /** How many sample events were loaded now (0 when the data was already there). */
  readonly loaded: number
}

/** A clear one-line error for the command line: no stack trace is printed for it. */
export class CliError extends Error {
  override readonly name = 'CliError'
}

/**
 * The sample PGlite's directory name for `events` events. The sample stores `value` as jsonb: the
 * models read it as jsonb either way, and PGlite parsing the JSON text of every event took most of
 * the time of each query that reads the location stack (2–4× as long as on jsonb, in the demo).
 * The name says so: samples stored as json by earlier versions, in `pglite-sample-<events>`, are
 * not read again.
 */
export const sampleDirName = (events: number | '<events>'): string => `pglite-sample-${events}-jsonb`

/**
 * How the sample PGlite starts: PGlite zeroes its shared buffers at every start, and its default
 * 128MB of them took 0.4 s of a 2 s `run` on a 2-core machine. The models scan the table through
 * a small ring of buffers whatever their number, so 16MB costs them nothing measurable.
 */
const SAMPLE_SETTINGS = { shared_buffers: '16MB' }

/**
 * A Kysely on the given Postgres server, or on the sample PGlite in {@link CACHE_DIR}. A server is
 * only connected to: nothing is written there (`load-sample` is the one command that writes). The
 * sample PGlite is ours: on its first run sample events are generated into it and reused after.
 * Its directory is filled under another name and renamed when complete, so an interrupted first
 * run leaves nothing half-loaded behind.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const events = options.sampleEvents ?? DEFAULT_SAMPLE_EVENTS
  const log = options.log ?? (() => {})
  if (options.databaseUrl !== undefined) return openServer(options.databaseUrl)

  const dataDir = resolve(options.dataDir ?? resolve(CACHE_DIR, sampleDirName(events)))
  const description = `embedded PGlite at ${dataDir}`
  if (existsSync(dataDir)) {
    const db = await createPgliteDb<unknown>({ dataDir, settings: SAMPLE_SETTINGS })
    // Asking also starts the driver, so that db.destroy() closes PGlite even if nothing else runs.
    if (await hasDataTable(db)) return { db, description, loaded: 0 }
    await db.destroy()
    throw new CliError(`${dataDir} holds no data table; remove the directory to load the sample data again`)
  }
  const filling = `${dataDir}.loading-${process.pid}`
  rmSync(filling, { recursive: true, force: true })
  mkdirSync(dirname(dataDir), { recursive: true })
  log(`First run: generating ${events} sample events into embedded PGlite at ${dataDir} …`)
  let loaded: number
  const db = await createPgliteDb<unknown>({ dataDir: filling, settings: SAMPLE_SETTINGS })
  try {
    loaded = await loadSampleData(db, { events, valueType: 'jsonb' })
  } catch (error) {
    await db.destroy()
    rmSync(filling, { recursive: true, force: true })
    throw error
  }
  await db.destroy()
  try {
    renameSync(filling, dataDir)
  } catch (error) {
    // Another process loaded the same sample first: use theirs.
    rmSync(filling, { recursive: true, force: true })
    if (!existsSync(dataDir)) throw error
    loaded = 0
  }
  return { db: await createPgliteDb<unknown>({ dataDir, settings: SAMPLE_SETTINGS }), description, loaded }
}

async function openServer(url: string): Promise<OpenedDatabase> {
  const description = `Postgres at ${redactUrl(url)}`
  const [{ createPostgresDb }, { sql }] = await Promise.all([postgresDriver(), import('kysely')])
  const db = createPostgresDb<unknown>({ connectionString: url, max: 2 })
  try {
    await sql`select 1`.execute(db)
    return { db, description, loaded: 0 }
  } catch (error) {
    await db.destroy().catch(() => {})
    throw new CliError(`cannot use the database at ${redactUrl(url)}: ${messageOf(error)}`)
  }
}

/** A database URL for people: its password replaced by ***; a bad URL is a CliError. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    throw new CliError(
      `invalid --database-url ${JSON.stringify(url)}: expected postgres://user:password@host:port/database`,
    )
  }
}

async function hasDataTable(db: Kysely<unknown>): Promise<boolean> {
  const { sql } = await import('kysely')
  const { rows } = await sql<{ table: string | null }>`select to_regclass('data')::text as "table"`.execute(db)
  return Boolean(rows[0]?.table)
}

/** The message of an error on one line (pg's AggregateError has none of its own). */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(messageOf))].join('; ')
  }
  const text = error instanceof Error ? error.message || error.name : String(error)
  return text.replace(/\s+/g, ' ').trim()
}
