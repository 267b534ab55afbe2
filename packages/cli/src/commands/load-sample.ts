import type { Command } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { CACHE_DIR, CliError, messageOf, openDatabase, redactUrl } from '../database.ts'
import { DATA_DIR_HELP, positiveInteger } from './command-flags.ts'

const sampleData = () => import('@kysely-modelhub/sample-data')

type LoadSampleFlags = { events: number; databaseUrl?: string; dataDir?: string; seed?: number; table?: string }

/** `load-sample`: sample events into a new Postgres table, or into the embedded PGlite. */
export function addLoadSampleCommand(program: Command, io: CliIo): void {
  program
    .command('load-sample')
    .description(
      'generate realistic Objectiv sample events into a new table on Postgres (never an existing one), or into the embedded PGlite',
    )
    .requiredOption('--events <n>', 'how many events', positiveInteger('--events'))
    .option('--database-url <url>', `a Postgres server; default: the embedded sample PGlite in ${CACHE_DIR}`)
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--seed <n>', 'same seed, same events (default 1)', positiveInteger('--seed'))
    .option('--table <name>', "with --database-url: the table to create (default 'data'); it must not exist yet")
    .action((flags: LoadSampleFlags) =>
      flags.databaseUrl === undefined ? loadIntoPglite(io, flags) : loadIntoPostgres(io, flags, flags.databaseUrl),
    )
}

/** The embedded PGlite always holds seed 1 in table data, generated once per size. */
async function loadIntoPglite(io: CliIo, flags: LoadSampleFlags): Promise<void> {
  if (flags.seed !== undefined || flags.table !== undefined) {
    throw new CliError(
      '--seed and --table apply only with --database-url (the sample PGlite uses seed 1 and table data)',
    )
  }
  const opened = await openDatabase({ sampleEvents: flags.events, dataDir: flags.dataDir, log: io.err })
  await opened.db.destroy()
  io.out(
    opened.loaded > 0
      ? `Loaded ${opened.loaded} sample events into ${opened.description}`
      : `${opened.description} already holds the sample data`,
  )
}

async function loadIntoPostgres(io: CliIo, flags: LoadSampleFlags, databaseUrl: string): Promise<void> {
  const where = `Postgres at ${redactUrl(databaseUrl)}`
  const table = flags.table ?? 'data'
  const { createPostgresDb } = await import('@kysely-modelhub/postgres')
  const db = createPostgresDb<unknown>({ connectionString: databaseUrl, max: 2 })
  try {
    const { loadSampleData } = await sampleData()
    const loaded = await loadSampleData(db, {
      events: flags.events,
      table,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    })
    io.out(`Loaded ${loaded} sample events into the new table ${table} on ${where}`)
  } catch (error) {
    throw new CliError(`cannot load sample data into ${where}: ${messageOf(error)}`)
  } finally {
    await db.destroy().catch(() => {})
  }
}
