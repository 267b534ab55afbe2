/**
 * Objectiv's "open model hub basics" notebook, cell by cell, on Kysely: run with `pnpm demo`
 * (embedded PGlite with generated sample data, no server, no configuration) or
 * `pnpm demo --database-url postgres://…` (a real Postgres holding Objectiv events in `data`; it
 * is only read: `kysely-modelhub load-sample` loads sample events there on purpose). Prints every result as a table and writes the histogram of presses
 * per session as an SVG file.
 *
 * Each cell is a small function taking the hub, so tests can run and check them one by one.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { histogramSvg } from '@kysely-modelhub/charts'
import {
  CliError,
  checkEventsTable,
  DEFAULT_SAMPLE_EVENTS,
  formatDuration,
  formatTable,
  messageOf,
  openDatabase,
  sampleDirName,
} from '@kysely-modelhub/cli'
import { type EventsQuery, ModelHub } from '@kysely-modelhub/modelhub'
import type { Kysely } from 'kysely'

/**
 * The notebook's time window: March 2022, as in the SQL the notebook shows (Objectiv 0.0.27 docs,
 * `end_date='2022-03-31'`). The sample's first visits fall in these four weeks; its later days
 * hold only a few returning visitors, so the latest-10 tables would show them instead.
 */
export const START_DATE = '2022-03-01'
export const END_DATE = '2022-03-31'

/** Cell 1–2: the hub, daily buckets and the application context, with the quickstart conversion. */
export function openHub(db: Kysely<any>) {
  return new ModelHub(db, { timeAggregation: '%Y-%m-%d', globalContexts: ['application'] }).addConversionEvent({
    name: 'quickstart_presses',
    locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
    eventType: 'PressEvent',
  })
}

export type Hub = ReturnType<typeof openHub>
export type Events = EventsQuery<any, 'application'>

/** Cell 3: `modelhub.get_objectiv_dataframe(start_date=…, end_date=…)`: the events of the window. */
export function eventsOf(hub: Hub): Events {
  return hub.events({ startDate: START_DATE, endDate: END_DATE })
}

/** Cell 4: `modelhub.aggregate.unique_users(df).sort_index(ascending=False).head(10)`. */
export function uniqueUsers(hub: Hub, df: Events) {
  return hub.agg.uniqueUsers(df).orderBy('time_aggregation', 'desc').limit(10).execute()
}

/** Cell 5: `df['is_new_user'] = modelhub.map.is_new_user(df)`; `df.is_new_user.head(10)`. */
export function isNewUser(hub: Hub, df: Events) {
  return hub.map
    .isNewUser(df)
    .clearSelect()
    .select(['event_id', 'is_new_user'])
    .orderBy('moment')
    .orderBy('event_id')
    .limit(10)
    .execute()
}

/** Cell 6: `modelhub.map.is_conversion_event(df, 'quickstart_presses')`, as the column `conversion_events`. */
export function conversionEvents(hub: Hub, df: Events) {
  return hub.map
    .isConversionEvent(df, 'quickstart_presses', { as: 'conversion_events' })
    .clearSelect()
    .select(['event_id', 'conversion_events'])
    .orderBy('moment')
    .orderBy('event_id')
    .limit(10)
    .execute()
}

/** Cell 7: `modelhub.aggregate.unique_users(df[df.conversion_events])…head(10)`. */
export function uniqueConvertedUsers(hub: Hub, df: Events) {
  const converted = hub.map
    .isConversionEvent(df, 'quickstart_presses', { as: 'conversion_events' })
    .where('conversion_events', '=', true)
  return hub.agg.uniqueUsers(converted).orderBy('time_aggregation', 'desc').limit(10).execute()
}

/** Cell 8: `modelhub.aggregate.session_duration(df[df.is_new_user])…head(10)`, in seconds. */
export function newUsersSessionDuration(hub: Hub, df: Events) {
  const newUsers = hub.map.isNewUser(df).where('is_new_user', '=', true)
  return hub.agg.sessionDuration(newUsers).orderBy('time_aggregation', 'desc').limit(10).execute()
}

/** Cell 9: `new_user_share = unique_users(df[df.is_new_user]) / unique_users(df)`, as a query. */
export function newUserShareQuery(hub: Hub, df: Events) {
  return hub.divide(hub.agg.uniqueUsers(hub.map.isNewUser(df).where('is_new_user', '=', true)), hub.agg.uniqueUsers(df))
}

export function newUserShare(hub: Hub, df: Events) {
  return newUserShareQuery(hub, df).orderBy('time_aggregation', 'desc').limit(10).execute()
}

/** Cell 10: users new in the month who converted twice (at some moment, in a session), per day. */
export function monthNewTwiceConverted(hub: Hub, df: Events) {
  const labelled = hub.map.conversionsInTime(
    hub.map.isNewUser(df, { timeAggregation: '%Y-%m', as: 'is_new_user_month' }),
    'quickstart_presses',
  )
  const selection = labelled.where('is_new_user_month', '=', true).where('conversions_in_time', '=', 2)
  return hub.agg.uniqueUsers(selection).orderBy('time_aggregation', 'desc').limit(5).execute()
}

/** Cell 11: `display_sql_as_markdown(new_user_share)`, the SQL with its parameters inlined. */
export function newUserShareSql(hub: Hub, df: Events): string {
  return hub.toSql(newUserShareQuery(hub, df), { inlineParameters: true })
}

/**
 * Cells 12–14: materialize the events as a temporary table (on one held connection), label the
 * conversions so far per session, and count the PressEvents of converted users before their
 * conversion, per session. Returns every session's count, by session id.
 */
export function pressesPerSession(hub: Hub, df: Events): Promise<{ session_id: number; presses: number }[]> {
  return hub.withConnection(async (h) => {
    const frame = await h.materialize(df, { kind: 'temp_table', name: 'notebook_events' })
    const labelled = h.map.conversionsInTime(
      h.map.isConversionEvent(frame, 'quickstart_presses', { as: 'conversion_events' }),
      'quickstart_presses',
      { as: 'conversion_count' },
    )
    const convertedUsers = labelled.where('conversion_events', '=', true).clearSelect().select('user_id')
    return labelled
      .where('event_type', '=', 'PressEvent')
      .where('user_id', 'in', convertedUsers)
      .where('conversion_count', '=', 0)
      .clearSelect()
      .select(['session_id', (eb) => eb.fn.count<number>('session_hit_number').as('presses')])
      .groupBy('session_id')
      .orderBy('session_id')
      .execute()
  })
}

/** Cell 15: the histogram of presses per session, as an SVG document. */
export function pressesHistogramSvg(presses: readonly { presses: number }[]): string {
  return histogramSvg(
    presses.map((row) => row.presses),
    {
      title: 'Presses per session before conversion',
      xLabel: 'PressEvents before conversion in a session',
      yLabel: 'sessions',
    },
  )
}

export interface NotebookOptions {
  /** Where to write the histogram. Default `presses-per-session.svg` in the current directory. */
  readonly chartPath?: string
  /** Where each printed line goes. Default console.log. */
  readonly print?: (text: string) => void
}

/** Everything the notebook printed, as data. */
export interface NotebookResults {
  readonly uniqueUsers: Awaited<ReturnType<typeof uniqueUsers>>
  readonly isNewUser: Awaited<ReturnType<typeof isNewUser>>
  readonly conversionEvents: Awaited<ReturnType<typeof conversionEvents>>
  readonly uniqueConvertedUsers: Awaited<ReturnType<typeof uniqueConvertedUsers>>
  readonly newUsersSessionDuration: Awaited<ReturnType<typeof newUsersSessionDuration>>
  readonly newUserShare: Awaited<ReturnType<typeof newUserShare>>
  readonly monthNewTwiceConverted: Awaited<ReturnType<typeof monthNewTwiceConverted>>
  readonly sql: string
  readonly pressesPerSession: Awaited<ReturnType<typeof pressesPerSession>>
  readonly chartPath: string
}

/** Runs every cell in order on `db`, printing each result, and writes the chart. */
export async function runNotebook(db: Kysely<any>, options: NotebookOptions = {}): Promise<NotebookResults> {
  const print = options.print ?? ((text: string) => console.log(text))
  const cell = (title: string, body: string): void => print(`\n── ${title}\n${body}`)
  const hub = openHub(db)
  const df = eventsOf(hub)

  const users = await uniqueUsers(hub, df)
  cell('Unique users per day (latest 10)', formatTable(users))
  const newUser = await isNewUser(hub, df)
  cell('is_new_user (first 10 events)', formatTable(newUser))
  const conversions = await conversionEvents(hub, df)
  cell('conversion_events: PressEvents in the Quickstart Guide link (first 10 events)', formatTable(conversions))
  const converted = await uniqueConvertedUsers(hub, df)
  cell('Unique converted users per day (latest 10)', formatTable(converted))
  const duration = await newUsersSessionDuration(hub, df)
  cell(
    'Mean session duration of new users per day (latest 10)',
    formatTable(duration, { session_duration: (v) => formatDuration(v as number | null) }),
  )
  const share = await newUserShare(hub, df)
  cell('Share of new users per day (latest 10)', formatTable(share))
  const twice = await monthNewTwiceConverted(hub, df)
  cell('Users new this month who converted twice, per day', formatTable(twice))
  const sqlText = newUserShareSql(hub, df)
  cell('The SQL of the new-user share', sqlText)
  const presses = await pressesPerSession(hub, df)
  cell(
    `PressEvents before conversion per session of converted users (first 5 of ${presses.length} sessions)`,
    formatTable(presses.slice(0, 5)),
  )

  const chartPath = resolve(options.chartPath ?? 'presses-per-session.svg')
  mkdirSync(dirname(chartPath), { recursive: true })
  writeFileSync(chartPath, pressesHistogramSvg(presses))
  print(`\nThe histogram of presses per session is in ${chartPath}`)
  return {
    uniqueUsers: users,
    isNewUser: newUser,
    conversionEvents: conversions,
    uniqueConvertedUsers: converted,
    newUsersSessionDuration: duration,
    newUserShare: share,
    monthNewTwiceConverted: twice,
    sql: sqlText,
    pressesPerSession: presses,
    chartPath,
  }
}

/** `pnpm demo [--database-url URL] [--events N] [--out file.svg]`. */
async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'database-url': { type: 'string' },
      events: { type: 'string' },
      out: { type: 'string' },
    },
  })
  const events = values.events === undefined ? undefined : Number(values.events)
  if (events !== undefined && !(Number.isSafeInteger(events) && events > 0)) {
    throw new CliError(`invalid --events ${JSON.stringify(values.events)}: expected a whole number > 0`)
  }
  const started = Date.now()
  const { db, description } = await openDatabase({
    databaseUrl: values['database-url'],
    sampleEvents: events,
    // The repository's demo keeps its sample in .cache/ at the root, not in the user's cache.
    dataDir: resolve(import.meta.dirname, '../.cache', sampleDirName(events ?? DEFAULT_SAMPLE_EVENTS)),
    log: (line) => console.log(line),
  })
  try {
    await checkEventsTable(new ModelHub(db), description)
    console.log(`Objectiv's "open model hub basics" notebook on ${description}`)
    // pnpm runs the script in examples/; the chart goes where the user typed the command.
    const cwd = process.env.INIT_CWD ?? process.cwd()
    const { chartPath } = await runNotebook(db, { chartPath: resolve(cwd, values.out ?? 'presses-per-session.svg') })
    console.log(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ./${relative(cwd, chartPath)} in a browser.`,
    )
  } finally {
    await db.destroy()
  }
}

/** The command line's run: a failure is printed on one line (KYSELY_MODELHUB_DEBUG=1 adds its stack) and sets the exit code. */
export function runFromCommandLine(argv: readonly string[]): Promise<void> {
  return main(argv).catch((error: unknown) => {
    console.error(`modelhub-basics: ${messageOf(error)}`)
    if (process.env.KYSELY_MODELHUB_DEBUG && error instanceof Error) console.error(error.stack)
    process.exitCode = 1
  })
}

// Run directly (tsx examples/modelhub-basics.ts); `pnpm demo` bundles it first (scripts/demo.mjs).
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  void runFromCommandLine(process.argv.slice(2))
}
