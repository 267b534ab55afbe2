import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { CACHE_DIR, CliError, DEFAULT_SAMPLE_EVENTS, messageOf, openDatabase, redactUrl } from './database.ts'
import { ENGINE_NAMES, offlineEngine } from './engines.ts'
import { checkEventsTable } from './events-table.ts'
import { formatTable } from './format.ts'
import { type HubFlags, withHubFlags } from './hub-options.ts'
import { MODELS, type ModelFlags, modelFlagsFor, modelNamed } from './models.ts'
import { VERSION } from './version.ts'

// The hub, charts and sample data are imported by the commands that use them, so --help starts fast.
const charts = () => import('@kysely-modelhub/charts')
const hubFlags = () => import('./hub-flags.ts')
const sampleData = () => import('@kysely-modelhub/sample-data')

/** Where the CLI writes: stdout for results, stderr for news and errors. */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}

/** Models that read the application context get it whether or not --global-contexts names it. */
const NEEDS_APPLICATION = new Set(['top-product-features', 'top-product-features-before-conversion'])

function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new CliError(`invalid ${flag} ${JSON.stringify(value)}: expected a whole number > 0`)
    }
    return n
  }
}

function withModelFlags(command: Command): Command {
  return command
    .option('--as <column>', 'map models: the name of the new column')
    .option('--partition <column>', 'conversion map models: count within this column (default session_id)')
    .option('--model-time-aggregation <format>', "is-new-user, time-agg: the model's own strftime format, e.g. '%Y-%m'")
    .option('--group-by <columns>', 'agg models: columns separated by commas, a strftime format, or none for one row')
    .option('--include-bounces', 'session-duration: count sessions of one event too')
    .option('--method <method>', 'session-duration: mean or sum')
    .option('--time-period <period>', 'retention-matrix: daily, weekly, monthly or yearly')
    .option('--event-type <type>', 'retention-matrix, top-product-features: only events of this type')
    .option('--percentage', 'retention-matrix, drop-off-locations: shares (x100) instead of counts')
    .option('--retention-start-date <YYYY-MM-DD>', 'retention-matrix: first cohort day')
    .option('--retention-end-date <YYYY-MM-DD>', 'retention-matrix: last activity day')
}

function withDatabaseFlags(command: Command): Command {
  return command
    .option(
      '--database-url <url>',
      'a Postgres server, only read from (the table --table names); default: the embedded sample PGlite',
    )
    .option(
      '--events <n>',
      `sample events in the embedded PGlite (default ${DEFAULT_SAMPLE_EVENTS})`,
      positiveInteger('--events'),
    )
    .option('--data-dir <dir>', `where the sample PGlite keeps its files (default ${CACHE_DIR}/pglite-sample-<events>)`)
}

const modelList = (): string =>
  `\nModels:\n${MODELS.map((m) => `  ${m.name.padEnd(40)}${m.call}: ${m.summary}`).join('\n')}`

type CommandFlags = HubFlags & ModelFlags & { engine?: string; inline?: boolean; pretty?: boolean }
type DatabaseFlags = { databaseUrl?: string; events?: number; dataDir?: string; limit?: number }

/**
 * The `kysely-modelhub` command line: `sql`, `run`, `load-sample` and `chart`. Errors are thrown
 * as {@link CliError} (or commander's), one line each; {@link runCli} prints them.
 */
export function createProgram(io: CliIo = PROCESS_IO): Command {
  const program = new Command('kysely-modelhub')
    .description("The open model hub's models on Kysely: their SQL, their results and their charts")
    .version(VERSION)
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      outputError: () => {}, // runCli prints the error, on one line
    })

  withModelFlags(
    withHubFlags(
      program
        .command('sql')
        .argument('<model>', 'a map or aggregation model, e.g. unique-users')
        .description("print the SQL of a model over the events, formatted for the engine's dialect")
        .addOption(new Option('--engine <engine>', 'the SQL dialect').choices(ENGINE_NAMES).default('postgres'))
        .option('--no-inline', 'keep parameters as placeholders instead of literals')
        .option('--no-pretty', 'one line, unformatted'),
    ),
  )
    .addHelpText('after', modelList())
    .action(async (model: string, flags: CommandFlags) => {
      const spec = modelNamed(model)
      const modelFlags = modelFlagsFor(spec, flags)
      const { db, engine } = await offlineEngine(flags.engine ?? 'postgres')
      try {
        const { eventsFromFlags, hubFromFlags } = await hubFlags()
        const hub = hubFromFlags(db, engine, flags, NEEDS_APPLICATION.has(spec.name) ? ['application'] : [])
        const query = spec.build(hub, eventsFromFlags(hub, flags), modelFlags, hub.conversionNames[0]!)
        io.out(hub.toSql(query, { inlineParameters: flags.inline !== false, pretty: flags.pretty !== false }))
      } finally {
        await db.destroy()
      }
    })

  withDatabaseFlags(
    withModelFlags(
      withHubFlags(
        program
          .command('run')
          .argument('<model>', 'a map or aggregation model, e.g. unique-users')
          .description('run a model over the events and print the result as a table')
          .option('--limit <n>', 'print at most this many rows', positiveInteger('--limit'), 20),
      ),
    ),
  )
    .addHelpText('after', modelList())
    .action(async (model: string, flags: CommandFlags & DatabaseFlags) => {
      const spec = modelNamed(model)
      const modelFlags = modelFlagsFor(spec, flags)
      const opened = await openDatabase({
        databaseUrl: flags.databaseUrl,
        sampleEvents: flags.events,
        dataDir: flags.dataDir,
        log: io.err,
      })
      try {
        const { eventsFromFlags, hubFromFlags } = await hubFlags()
        const hub = hubFromFlags(opened.db, undefined, flags, NEEDS_APPLICATION.has(spec.name) ? ['application'] : [])
        await checkEventsTable(hub, opened.description)
        const query = spec.build(hub, eventsFromFlags(hub, flags), modelFlags, hub.conversionNames[0]!)
        const rows = (await query.limit(flags.limit ?? 20).execute()) as Record<string, unknown>[]
        // Map models keep every event column; the JSON ones (stacks, contexts) would drown the table.
        const printable = rows.map((row) =>
          Object.fromEntries(
            Object.entries(row).filter(([, v]) => v === null || typeof v !== 'object' || v instanceof Date),
          ),
        )
        io.out(formatTable(printable))
      } catch (error) {
        throw error instanceof CliError
          ? error
          : new CliError(`${spec.name} failed on ${opened.description}: ${messageOf(error)}`)
      } finally {
        await opened.db.destroy()
      }
    })

  program
    .command('load-sample')
    .description(
      'generate realistic Objectiv sample events into a new table on Postgres (never an existing one), or into the embedded PGlite',
    )
    .requiredOption('--events <n>', 'how many events', positiveInteger('--events'))
    .option('--database-url <url>', `a Postgres server; default: the embedded sample PGlite in ${CACHE_DIR}`)
    .option('--data-dir <dir>', `where the sample PGlite keeps its files (default ${CACHE_DIR}/pglite-sample-<events>)`)
    .option('--seed <n>', 'same seed, same events (default 1)', positiveInteger('--seed'))
    .option('--table <name>', "with --database-url: the table to create (default 'data'); it must not exist yet")
    .action(
      async (flags: { events: number; databaseUrl?: string; dataDir?: string; seed?: number; table?: string }) => {
        if (flags.databaseUrl === undefined) {
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
          return
        }
        const where = `Postgres at ${redactUrl(flags.databaseUrl)}`
        const table = flags.table ?? 'data'
        const { createPostgresDb } = await import('@kysely-modelhub/postgres')
        const db = createPostgresDb<any>({ connectionString: flags.databaseUrl, max: 2 })
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
      },
    )

  const chart = program.command('chart').description('draw a model as an SVG chart (Apache ECharts)')
  withDatabaseFlags(
    withHubFlags(
      chart
        .command('retention-matrix')
        .description('the retention matrix as a heatmap: cohorts down, periods since across')
        .requiredOption('--out <file.svg>', 'where to write the SVG')
        .option('--time-period <period>', 'daily, weekly, monthly or yearly (default monthly)')
        .option('--event-type <type>', 'only events of this type')
        .option('--percentage', "shares (x100) of each cohort's users instead of counts"),
    ),
  ).action(async (flags: CommandFlags & DatabaseFlags & { out: string }) => {
    const spec = modelNamed('retention-matrix')
    const opened = await openDatabase({
      databaseUrl: flags.databaseUrl,
      sampleEvents: flags.events,
      dataDir: flags.dataDir,
      log: io.err,
    })
    try {
      const { eventsFromFlags, hubFromFlags } = await hubFlags()
      const hub = hubFromFlags(opened.db, undefined, flags)
      await checkEventsTable(hub, opened.description)
      const rows = (await spec
        .build(hub, eventsFromFlags(hub, flags), flags, hub.conversionNames[0]!)
        .execute()) as never
      const out = resolve(flags.out)
      mkdirSync(dirname(out), { recursive: true })
      const { retentionHeatmapSvg } = await charts()
      writeFileSync(out, retentionHeatmapSvg(rows, { title: `Retention (${flags.timePeriod ?? 'monthly'})` }))
      io.out(`Wrote the retention matrix heatmap to ${out}`)
    } catch (error) {
      throw error instanceof CliError
        ? error
        : new CliError(`retention-matrix failed on ${opened.description}: ${messageOf(error)}`)
    } finally {
      await opened.db.destroy()
    }
  })

  withDatabaseFlags(
    withHubFlags(
      chart
        .command('sankey')
        .description("users' navigation paths as a Sankey diagram (hub.funnel.navigationPaths → sankeyLinks)")
        .requiredOption('--out <file.svg>', 'where to write the SVG')
        .option('--steps <n>', 'steps per path (default 3)', positiveInteger('--steps'), 3)
        .option(
          '--n-top-examples <n>',
          'only the n most frequent paths (default 15)',
          positiveInteger('--n-top-examples'),
          15,
        )
        .option('--only-converted-paths', 'only paths that reach the conversion (--conversion-*)'),
    ),
  ).action(
    async (
      flags: CommandFlags &
        DatabaseFlags & { out: string; steps: number; nTopExamples: number; onlyConvertedPaths?: boolean },
    ) => {
      const opened = await openDatabase({
        databaseUrl: flags.databaseUrl,
        sampleEvents: flags.events,
        dataDir: flags.dataDir,
        log: io.err,
      })
      try {
        const { eventsFromFlags, hubFromFlags } = await hubFlags()
        const hub = hubFromFlags(opened.db, undefined, flags)
        await checkEventsTable(hub, opened.description)
        const paths = await hub.funnel
          .navigationPaths(eventsFromFlags(hub, flags), {
            steps: flags.steps,
            ...(flags.onlyConvertedPaths ? { onlyConvertedPaths: true, conversionName: hub.conversionNames[0]! } : {}),
          })
          .execute()
        const links = hub.funnel.sankeyLinks(paths as Record<string, unknown>[], { nTopExamples: flags.nTopExamples })
        const out = resolve(flags.out)
        mkdirSync(dirname(out), { recursive: true })
        const { sankeyChartSvg } = await charts()
        writeFileSync(
          out,
          sankeyChartSvg(links, { title: `Top ${flags.nTopExamples} navigation paths of ${flags.steps} steps` }),
        )
        io.out(`Wrote the Sankey diagram of ${links.length} links to ${out}`)
      } catch (error) {
        throw error instanceof CliError
          ? error
          : new CliError(`sankey failed on ${opened.description}: ${messageOf(error)}`)
      } finally {
        await opened.db.destroy()
      }
    },
  )
  return program
}

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0, or 1 after
 * printing the error as one line on stderr. Set KYSELY_MODELHUB_DEBUG=1 for the stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const program = createProgram(io)
  if (argv.length === 0) {
    program.outputHelp()
    return 1
  }
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0 // --help, --version
      io.err(
        `kysely-modelhub: ${error.message
          .replace(/^error: /, '')
          .replace(/\s+/g, ' ')
          .trim()}`,
      )
      return error.exitCode || 1
    }
    io.err(`kysely-modelhub: ${messageOf(error)}`)
    if (process.env.KYSELY_MODELHUB_DEBUG && error instanceof Error) io.err(error.stack ?? '')
    return 1
  }
}
