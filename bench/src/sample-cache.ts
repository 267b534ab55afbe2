import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPgliteDb, createPostgresDb } from '@kysely-modelhub/postgres'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import { type Kysely, sql } from 'kysely'
import { findPostgresBinaries, startPostgresCluster } from '../../test/support/postgres-cluster.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** Gitignored: loaded clusters live here between runs. */
export const CACHE_DIR = join(root, 'bench', '.cache')

/**
 * The sample generator's version: a hash of its source and of the loader, so a change to either
 * loads the data again instead of benchmarking stale rows.
 */
export function generatorVersion(): string {
  const hash = createHash('sha256')
  const dir = 'packages/sample-data/src'
  for (const file of readdirSync(join(root, dir)).sort()) hash.update(readFileSync(join(root, dir, file)))
  return hash.digest('hex').slice(0, 10)
}

/**
 * A cached data directory by its key, emptied unless its load finished (the marker file): the cache
 * folder is created on first use, as a fresh clone has none and PGlite does not create parents.
 */
function cachedDataDir(key: string): { dataDir: string; marker: string } {
  mkdirSync(CACHE_DIR, { recursive: true })
  const dataDir = join(CACHE_DIR, key)
  const marker = `${dataDir}.loaded`
  if (!existsSync(marker)) rmSync(dataDir, { recursive: true, force: true })
  return { dataDir, marker }
}

export const SHARED_BUFFERS = '2GB'
export const WORK_MEM = '64MB'

/** A database holding `events` sample events in its `data` table, analyzed. */
export interface SampleDatabase {
  readonly db: Kysely<any>
  /** E.g. 'PostgreSQL 15.14' or 'PGlite 0.5 (PostgreSQL 17.x)'. */
  readonly version: string
  /** A connection string for another process, when there is a server. */
  readonly url?: string
  /** Whether the data was loaded now (false: reused from the cache). */
  readonly loaded: boolean
  close(): Promise<void>
}

async function load(db: Kysely<any>, events: number, log: (line: string) => void): Promise<void> {
  const started = Date.now()
  log(`loading ${events.toLocaleString('en-US')} sample events…`)
  await loadSampleData(db, { events, seed: 1 })
  // Statistics as a freshly loaded warehouse table would have them; the plans depend on them.
  await sql`vacuum analyze data`.execute(db)
  log(`loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

const serverVersion = async (db: Kysely<any>): Promise<string> => {
  const { rows } = await sql<{ v: string }>`select version() as v`.execute(db)
  return rows[0]?.v.split(' on ')[0] ?? 'unknown'
}

/**
 * A throwaway Postgres (as the tests start one, with jit=off) on a data directory cached under
 * bench/.cache by event count and generator version: the first run loads the events, later
 * runs start on the loaded files.
 */
export async function openPostgresSample(events: number, log: (line: string) => void): Promise<SampleDatabase> {
  const binDir = findPostgresBinaries()
  if (!binDir) throw new Error('no Postgres server binaries (initdb, pg_ctl) found: install postgresql')
  const { dataDir, marker } = cachedDataDir(`postgres-${binDir.split('/').at(-2)}-${events}-${generatorVersion()}`)
  const cluster = startPostgresCluster(binDir, {
    dataDir,
    // As a warehouse would be set up: the 1M-event table (about 1.5 GB) in shared buffers, so growth
    // from 100k measures the models rather than copying pages from the OS cache; room for a sort of
    // the sessionization columns in memory.
    settings: [`shared_buffers=${SHARED_BUFFERS}`, `work_mem=${WORK_MEM}`],
  })
  const db = createPostgresDb<any>({ connectionString: cluster.url, max: 2 })
  try {
    const loaded = !existsSync(marker)
    if (loaded) {
      await load(db, events, log)
      writeFileSync(marker, `${new Date().toISOString()}\n`)
    } else {
      // Plans depend on fresh statistics: the same ANALYZE as after a load.
      await sql`vacuum analyze data`.execute(db)
    }
    return {
      db,
      version: await serverVersion(db),
      url: cluster.url,
      loaded,
      async close() {
        await db.destroy()
        cluster.stop()
      },
    }
  } catch (error) {
    await db.destroy()
    cluster.stop()
    throw error
  }
}

/** Embedded PGlite on a data directory cached the same way. */
export async function openPgliteSample(events: number, log: (line: string) => void): Promise<SampleDatabase> {
  const { dataDir, marker } = cachedDataDir(`pglite-${events}-${generatorVersion()}`)
  const db = await createPgliteDb<any>({ dataDir })
  try {
    const loaded = !existsSync(marker)
    if (loaded) {
      await load(db, events, log)
      writeFileSync(marker, `${new Date().toISOString()}\n`)
    }
    return {
      db,
      version: `PGlite (${await serverVersion(db)})`,
      loaded,
      close: () => db.destroy(),
    }
  } catch (error) {
    await db.destroy()
    throw error
  }
}
