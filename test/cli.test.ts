import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_SAMPLE_EVENTS, MODELS, offlineEngine, openDatabase, runCli, sampleDirName } from '@kysely-modelhub/cli'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { runNode } from './support/run-node.ts'
import { type ChildRun, FROM_SOURCE, runWithoutImports } from './support/without-imports.ts'

const BIN = resolve(import.meta.dirname, '../packages/cli/bin/kysely-modelhub.js')
// The bin runs the compiled CLI; here it runs the sources (FROM_SOURCE), so the tests need no build.
type Run = ChildRun

/** Spawns the CLI as a user would (node + the bin file), from source. */
const cli = (...args: string[]): Promise<Run> => runNode([...FROM_SOURCE, BIN, ...args])

/** The error contract: exit code not 0, one line on stderr naming the problem, no stack trace. */
function expectOneLineError(run: Run, message: RegExp): void {
  expect(run.code).not.toBe(0)
  expect(run.stdout).toBe('')
  const lines = run.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^kysely-modelhub: /)
  expect(lines[0]).toMatch(message)
  expect(run.stderr).not.toMatch(/\n\s+at /)
}

/** The CLI in this process, for sweeps over every model. */
async function inProcess(...args: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) })
  return { code, stdout, stderr }
}

const dir = mkdtempSync(join(tmpdir(), 'cli-test-'))
const dataDir = join(dir, 'pglite')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
// load-sample into a PGlite of this file's own, for run and chart (its first run is itself a test of load-sample).
beforeAll(async () => {
  const run = await cli('load-sample', '--events', '1500', '--data-dir', dataDir)
  expect(run.stderr).toContain('generating 1500 sample events')
  expect(run).toMatchObject({ code: 0, stdout: `Loaded 1500 sample events into embedded PGlite at ${dataDir}\n` })
})

describe('kysely-modelhub --help', () => {
  it('lists the commands', async () => {
    const run = await cli('--help')
    expect(run.code).toBe(0)
    for (const command of ['sql', 'run', 'load-sample', 'chart'])
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command} `, 'm'))
  })

  it('starts without loading Kysely, the models or PGlite, which only a command that runs needs', async () => {
    const run = await runWithoutImports(
      ['kysely', '@kysely-modelhub/modelhub', '@electric-sql/pglite'],
      [BIN, '--help'],
    )
    expect([run.code, run.stderr]).toEqual([0, ''])
    expect(run.stdout).toMatch(/^\s+run /m)
  })

  it.each([
    [
      ['sql', '--help'],
      [
        '--engine',
        '--time-aggregation',
        '--time-zone',
        '--global-contexts',
        '--session-gap-seconds',
        '--session-ids',
        '--identity-resolution',
        '--start-date',
        '--end-date',
        '--table',
        '--group-by',
        'unique-users',
        'funnel-conversion',
      ],
    ],
    [
      ['run', '--help'],
      ['--database-url', '--events', '--limit', '--time-aggregation', '--time-zone', 'session-duration'],
    ],
    [
      ['load-sample', '--help'],
      ['--events', '--database-url', '--seed'],
    ],
    [
      ['chart', '--help'],
      ['retention-matrix', 'lifecycle', 'sankey'],
    ],
    [
      ['chart', 'lifecycle', '--help'],
      ['--out', '--period', '--database-url', '--time-zone'],
    ],
    [
      ['run', '--help'],
      ['lifecycle', 'stickiness', '--period', '--interval', '--mode', '--periods', '--return-event-type'],
    ],
    [
      ['chart', 'retention-matrix', '--help'],
      ['--out', '--time-period', '--percentage', '--database-url', '--mode', '--periods', '--return-event-type'],
    ],
    [
      ['sql', '--help'],
      ['funnel-steps', 'time-to-convert', '--step', '--order', '--conversion-window', '--from-step', '--to-step'],
    ],
    [
      ['chart', 'time-to-convert', '--help'],
      ['--out', '--step', '--order', '--conversion-window', '--from-step', '--to-step', '--database-url'],
    ],
  ])('%j explains its options', async (args, words) => {
    const run = await cli(...args)
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    for (const word of words) expect(run.stdout).toContain(word)
  })
})

describe('kysely-modelhub sql', () => {
  it('prints the SQL of a model over the events, with the hub options', async () => {
    const run = await cli('sql', 'unique-users', '--time-aggregation', '%Y-%m', '--start-date', '2022-03-01')
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(/count\("user_id"\)/i)
    // Users are paired with the month's start, and each month is formatted once (aggregate-query.ts).
    expect(run.stdout).toMatch(/date_trunc\(\s*E'month',\s*\(timestamp 'epoch' \+ \(\("moment"\) - 'epoch'\)\)\s*\)/)
    expect(run.stdout).toMatch(/to_char\([^;]*"time_aggregation"[^;]*E'YYYY"-"MM'\s*\)/)
    expect(run.stdout).toContain(`E'2022-03-01'`)
    expect(run.stdout).toMatch(/from\s+"data"/)
  })

  it('prints the same SQL as hub.toSql of the model', async () => {
    const { db, engine } = await offlineEngine('postgres')
    const hub = new ModelHub(db, { engine, timeAggregation: '%Y-%m-%d', globalContexts: ['application'] })
    const expected = hub.toSql(hub.agg.uniqueSessions(hub.events({ endDate: '2022-03-31' })), {
      inlineParameters: true,
    })
    await db.destroy()
    const run = await inProcess(
      'sql',
      'unique-sessions',
      '--global-contexts',
      'application',
      '--end-date',
      '2022-03-31',
    )
    expect(run).toEqual({ code: 0, stdout: `${expected}\n`, stderr: '' })
  })

  it('gives every map and aggregation model', async () => {
    expect(MODELS.map((m) => m.name)).toEqual([
      'is-first-session',
      'is-new-user',
      'is-conversion-event',
      'conversions-in-time',
      'conversions-counter',
      'pre-conversion-hit-number',
      'time-agg',
      'unique-users',
      'unique-sessions',
      'session-duration',
      'frequency',
      'retention-matrix',
      'lifecycle',
      'stickiness',
      'top-product-features',
      'top-product-features-before-conversion',
      'drop-off-locations',
      'funnel-conversion',
      'funnel-steps',
      'time-to-convert',
    ])
    for (const model of MODELS) {
      const run = await inProcess('sql', model.name)
      expect(run.stderr, model.name).toBe('')
      expect(run.code, model.name).toBe(0)
      // Stages as named CTEs, then the select (docs/performance.md, "The SQL a model exports").
      expect(run.stdout, model.name).toMatch(/^(with|select)\b/i)
    }
  })

  it('reads every model in --time-zone: its local day window, buckets and periods', async () => {
    for (const model of MODELS) {
      const run = await inProcess('sql', model.name, '--time-zone', 'Europe/Amsterdam', '--start-date', '2022-03-01')
      expect(run.code, model.name).toBe(0)
      expect(run.stdout, model.name).toContain(`at time zone E'Europe/Amsterdam'`)
    }
    const zoned = await inProcess('sql', 'unique-users', '--time-zone', 'Asia/Kolkata', '--engine', 'bigquery')
    expect(zoned.stdout).toMatch(
      /timestamp_trunc\(\s*timestamp\(datetime\(`moment`, 'Asia\/Kolkata'\)\),\s*day,\s*'UTC'\s*\)/,
    )
    const { db, engine } = await offlineEngine('postgres')
    const hub = new ModelHub(db, { engine, timeZone: 'Europe/Amsterdam' })
    const expected = hub.toSql(hub.agg.lifecycle(hub.events(), { period: 'daily' }), { inlineParameters: true })
    await db.destroy()
    expect((await inProcess('sql', 'lifecycle', '--period', 'daily', '--time-zone', 'Europe/Amsterdam')).stdout).toBe(
      `${expected}\n`,
    )
  })

  it('passes model options through, and names the model in camel or snake case too', async () => {
    const month = await inProcess('sql', 'isNewUser', '--model-time-aggregation', '%Y-%m', '--as', 'is_new_user_month')
    expect(month.code).toBe(0)
    expect(month.stdout).toContain('"is_new_user_month"')
    // Monthly UTC buckets: the month's start compared, not its text (is-new-user.ts).
    expect(month.stdout).toMatch(/date_trunc\(\s*E'month'/)
    const sum = await inProcess('sql', 'session_duration', '--method', 'sum', '--group-by', 'none')
    expect(sum.code).toBe(0)
    expect(sum.stdout).toMatch(/\bsum\(/)
    expect(sum.stdout).not.toContain('"time_aggregation"')
    const conversion = await inProcess(
      'sql',
      'conversions-in-time',
      '--conversion-event-type',
      'ClickEvent',
      '--conversion-location',
      '{"id":"cta","_type":"LinkContext"}',
      '--partition',
      'user_id',
    )
    expect(conversion.code).toBe(0)
    expect(conversion.stdout).toContain(`E'ClickEvent'`)
    expect(conversion.stdout).toContain('cta')
    expect(conversion.stdout).toMatch(/partition by\s+"user_id"/)
  })

  it('passes the retention mode, periods and return event type through', async () => {
    const args = ['--mode', 'recurring', '--periods', 'elapsed', '--event-type', 'ApplicationLoadedEvent']
    const run = await inProcess('sql', 'retention-matrix', ...args, '--return-event-type', 'PressEvent')
    expect([run.code, run.stderr]).toEqual([0, ''])
    const { db, engine } = await offlineEngine('postgres')
    const hub = new ModelHub(db, { engine })
    const query = hub.agg.retentionMatrix(hub.events(), {
      mode: 'recurring',
      periods: 'elapsed',
      eventType: 'ApplicationLoadedEvent',
      returnEventType: 'PressEvent',
    })
    const expected = hub.toSql(query, { inlineParameters: true })
    await db.destroy()
    expect(run.stdout).toBe(`${expected}\n`)
    expect(run.stdout).toContain(`E'PressEvent'`)
  })

  it('passes funnel steps, order and window through; the default funnel is any event, then the conversion', async () => {
    const strict = await inProcess(
      'sql',
      'funnel-steps',
      '--step',
      'home',
      '--step',
      'type:PressEvent',
      '--step',
      '{"_type":"LinkContext","id":"Quickstart Guide"}',
      '--order',
      'strict',
      '--conversion-window',
      '3600',
    )
    expect([strict.code, strict.stderr]).toEqual([0, ''])
    const { db, engine } = await offlineEngine('postgres')
    const hub = new ModelHub(db, { engine })
    const same = hub.funnel.orderedSteps(hub.events(), {
      steps: [
        { id: 'home' },
        (eb) => eb('event_type', '=', 'PressEvent'),
        { _type: 'LinkContext', id: 'Quickstart Guide' },
      ],
      order: 'strict',
      conversionWindowSeconds: 3600,
    })
    expect(strict.stdout.trimEnd()).toBe(hub.toSql(same, { inlineParameters: true, pretty: true }).trimEnd())
    await db.destroy()
    const times = await inProcess('sql', 'time-to-convert', '--from-step', '1', '--to-step', '2')
    expect([times.code, times.stderr]).toEqual([0, ''])
    expect(times.stdout).toContain('"is_conversion_event"')
    expect(times.stdout).toContain('"id":"Quickstart Guide"')
  })

  it('prints BigQuery SQL with --engine bigquery, the events table named events', async () => {
    const run = await cli('sql', 'unique-users', '--engine', 'bigquery', '--start-date', '2022-03-01')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('count(`user_id`)')
    expect(run.stdout).toContain("format_timestamp('%Y-%m-%d', `time_aggregation`, 'UTC')")
    expect(run.stdout).toMatch(/from\s+`events`/)
    const { db, engine } = await offlineEngine('bigquery')
    const hub = new ModelHub(db, { engine })
    const expected = hub.toSql(hub.agg.uniqueUsers(hub.events({ startDate: '2022-03-01' })), { inlineParameters: true })
    await db.destroy()
    expect(run.stdout).toBe(`${expected}\n`)
  })
})

it("numbers sessions by day on BigQuery unless --session-ids sequential asks for Objectiv's numbers", async () => {
  const byDay = await cli('sql', 'is-first-session', '--engine', 'bigquery')
  const sequential = await cli('sql', 'is-first-session', '--engine', 'bigquery', '--session-ids', 'sequential')
  const onPostgres = await cli('sql', 'is-first-session', '--session-ids', 'daily')
  for (const run of [byDay, sequential, onPostgres]) expect([run.code, run.stderr]).toEqual([0, ''])
  expect(byDay.stdout).toContain("unix_date(date(`moment`, 'UTC')) as `start_day`")
  expect(sequential.stdout).not.toContain('start_day')
  expect(onPostgres.stdout).toContain('"start_day" * 1000000000')
})

describe('kysely-modelhub load-sample and run on the embedded PGlite', () => {
  it('keeps the loaded sample for the next run', async () => {
    const again = await cli('load-sample', '--events', '1500', '--data-dir', dataDir)
    expect(again).toEqual({
      code: 0,
      stdout: `embedded PGlite at ${dataDir} already holds the sample data\n`,
      stderr: '',
    })
  })

  it('opens the sample with 16MB of shared buffers, which PGlite zeroes at each start', async () => {
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const { rows } = await sql<{ size: string }>`select current_setting('shared_buffers') as size`.execute(db)
      expect(rows).toEqual([{ size: '16MB' }])
    } finally {
      await db.destroy()
    }
  })

  it('stores the sample events as jsonb, which PGlite reads without parsing JSON text', async () => {
    expect(sampleDirName(DEFAULT_SAMPLE_EVENTS)).toBe('pglite-sample-30000-jsonb')
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const { rows } = await sql<{ type: string }>`select pg_typeof(value)::text as type from data limit 1`.execute(db)
      expect(rows).toEqual([{ type: 'jsonb' }])
    } finally {
      await db.destroy()
    }
  })

  it('runs a model and prints its rows as the model returns them', async () => {
    const run = await cli('run', 'unique-users', '--data-dir', dataDir, '--events', '1500', '--limit', '5')
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const hub = new ModelHub(db)
      const rows = await hub.agg.uniqueUsers(hub.events()).limit(5).execute()
      expect(rows).toHaveLength(5)
      expect(
        run.stdout
          .trimEnd()
          .split('\n')
          .map((line) => line.trim().split(/\s+/)),
      ).toEqual([
        ['time_aggregation', 'unique_users'],
        ...rows.map((r) => [r.time_aggregation, String(r.unique_users)]),
      ])
    } finally {
      await db.destroy()
    }
  })

  it('runs a map model, printing the event columns and the new one', async () => {
    const run = await inProcess('run', 'is-new-user', '--data-dir', dataDir, '--events', '1500', '--limit', '3')
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(
      /^event_id\s+day\s+moment\s+event_type\s+user_id\s+session_id\s+session_hit_number\s+is_new_user$/,
    )
  })

  it('runs stickiness and lifecycle with their options, printing the rows the hub gives', async () => {
    const table = (stdout: string) =>
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
    const sticky = await inProcess('run', 'stickiness', '--interval', 'week', '--data-dir', dataDir, '--events', '1500')
    const cycle = await inProcess('run', 'lifecycle', '--period', 'monthly', '--data-dir', dataDir, '--events', '1500')
    expect([sticky.code, cycle.code]).toEqual([0, 0])
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const hub = new ModelHub(db)
      const weeks = await hub.agg.stickiness(hub.events(), { interval: 'week' }).orderBy('intervals_active').execute()
      const months = await hub.agg
        .lifecycle(hub.events(), { period: 'monthly' })
        .orderBy(['period', 'status'])
        .execute()
      expect(weeks.length).toBeGreaterThan(1)
      expect(table(sticky.stdout).slice(1).sort()).toEqual(
        weeks.map((r) => [String(r.intervals_active), String(r.users)]).sort(),
      )
      expect(table(cycle.stdout)[0]).toEqual(['period', 'status', 'users'])
      expect(table(cycle.stdout).slice(1).sort()).toEqual(
        months.map((r) => [r.period, r.status, String(r.users)]).sort(),
      )
    } finally {
      await db.destroy()
    }
  })

  it('runs and draws in --time-zone, as a hub with that timeZone gives the rows', async () => {
    const flags = ['--time-zone', 'America/Los_Angeles', '--data-dir', dataDir, '--events', '1500']
    const run = await inProcess('run', 'unique-users', '--time-aggregation', '%Y-%m-%d %H', '--limit', '1000', ...flags)
    expect(run.code).toBe(0)
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const hub = new ModelHub(db, { timeZone: 'America/Los_Angeles', timeAggregation: '%Y-%m-%d %H' })
      const rows = await hub.agg.uniqueUsers(hub.events()).execute()
      const printed = run.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.trim().replace(/\s+/g, ' '))
      expect(printed.sort()).toEqual(rows.map((r) => `${r.time_aggregation} ${r.unique_users}`).sort())
      const inUtc = await new ModelHub(db, { timeAggregation: '%Y-%m-%d %H' }).agg.uniqueUsers(hub.events()).execute()
      expect(rows.map((r) => r.time_aggregation).sort()).not.toEqual(inUtc.map((r) => r.time_aggregation).sort())
    } finally {
      await db.destroy()
    }
    const out = join(dir, 'charts', 'lifecycle-la.svg')
    const chart = await inProcess('chart', 'lifecycle', '--period', 'monthly', '--out', out, ...flags)
    expect(chart.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('>2022-03</text>')
  })

  it('runs recurring elapsed retention, printing the rows the hub gives', async () => {
    const options = ['--time-period', 'weekly', '--mode', 'recurring', '--periods', 'elapsed']
    const run = await inProcess(
      'run',
      'retention-matrix',
      ...options,
      '--limit',
      '1000',
      '--data-dir',
      dataDir,
      '--events',
      '1500',
    )
    expect([run.code, run.stderr]).toEqual([0, ''])
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const hub = new ModelHub(db)
      const rows = await hub.agg
        .retentionMatrix(hub.events(), { timePeriod: 'weekly', mode: 'recurring', periods: 'elapsed' })
        .execute()
      const first = await hub.agg.retentionMatrix(hub.events(), { timePeriod: 'weekly' }).execute()
      const lines = run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
      expect(lines[0]).toEqual(['first_cohort', 'period', 'value'])
      expect(lines.slice(1).sort()).toEqual(rows.map((r) => [r.first_cohort, String(r.period), String(r.value)]).sort())
      // A user active in several weeks is in several recurring cohorts: more than first-time counts.
      const total = (cells: typeof rows) => cells.filter((r) => r.period === 0).reduce((n, r) => n + r.value, 0)
      expect(total(rows)).toBeGreaterThan(total(first))
    } finally {
      await db.destroy()
    }
  })

  it('draws the lifecycle as stacked bars', async () => {
    const out = join(dir, 'charts', 'lifecycle.svg')
    const run = await cli(
      'chart',
      'lifecycle',
      '--period',
      'monthly',
      '--out',
      out,
      '--data-dir',
      dataDir,
      '--events',
      '1500',
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      new RegExp(`^Wrote the lifecycle bars of \\d+ periods to ${out.replaceAll('.', '\\.')}\n$`),
    )
    const svg = readFileSync(out, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('>2022-03</text>')
  })

  it('runs time to convert and draws it as a histogram of duration bins', async () => {
    const args = ['--step', 'any', '--step', 'type:PressEvent', '--conversion-window', '86400']
    const run = await inProcess(
      'run',
      'time-to-convert',
      ...args,
      '--data-dir',
      dataDir,
      '--events',
      '1500',
      '--limit',
      '1000',
    )
    expect([run.code, run.stderr]).toEqual([0, ''])
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const hub = new ModelHub(db)
      const rows = await hub.funnel
        .timeToConvert(hub.events(), {
          steps: [() => sql<boolean>`true`, (eb) => eb('event_type', '=', 'PressEvent')],
          conversionWindowSeconds: 86_400,
        })
        .execute()
      expect(rows.length).toBeGreaterThan(10)
      const lines = run.stdout.trimEnd().split('\n')
      expect(lines[0]?.trim().split(/\s+/)).toEqual(['user_id', 'seconds'])
      expect(lines.slice(1).map((line) => line.trim().split(/\s+/)[0])).toEqual(rows.map((r) => r.user_id))
      const out = join(dir, 'charts', 'time-to-convert.svg')
      const chart = await cli(
        'chart',
        'time-to-convert',
        ...args,
        '--out',
        out,
        '--data-dir',
        dataDir,
        '--events',
        '1500',
      )
      expect(chart).toEqual({
        code: 0,
        stdout: `Wrote the time to convert of ${rows.length} users to ${out}\n`,
        stderr: '',
      })
      const svg = readFileSync(out, 'utf8')
      expect(svg.startsWith('<svg')).toBe(true)
      expect(svg).toContain('>Time to convert</text>')
    } finally {
      await db.destroy()
    }
  })

  it('draws the retention matrix as an SVG heatmap', async () => {
    const out = join(dir, 'charts', 'retention.svg')
    const run = await cli('chart', 'retention-matrix', '--out', out, '--data-dir', dataDir, '--events', '1500')
    expect(run).toEqual({ code: 0, stdout: `Wrote the retention matrix heatmap to ${out}\n`, stderr: '' })
    const svg = readFileSync(out, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    // Sample first visits fall in March 2022: the first cohort's period 0 is all of them.
    expect(svg).toContain('>2022-03</text>')
    expect(svg).toContain('>_0</text>')

    const weekly = join(dir, 'charts', 'retention-weekly.svg')
    const options = ['--time-period', 'weekly', '--mode', 'recurring', '--periods', 'elapsed', '--percentage']
    const recurring = await cli(
      'chart',
      'retention-matrix',
      ...options,
      '--out',
      weekly,
      '--data-dir',
      dataDir,
      '--events',
      '1500',
    )
    expect(recurring).toEqual({ code: 0, stdout: `Wrote the retention matrix heatmap to ${weekly}\n`, stderr: '' })
    expect(readFileSync(weekly, 'utf8')).toContain('Retention (weekly, recurring, elapsed)')
  })
})

describe('kysely-modelhub chart sankey', () => {
  it('draws the most frequent navigation paths as a Sankey diagram', async () => {
    const out = join(dir, 'charts', 'paths.svg')
    const run = await cli(
      'chart',
      'sankey',
      '--out',
      out,
      '--steps',
      '2',
      '--n-top-examples',
      '5',
      '--data-dir',
      dataDir,
      '--events',
      '1500',
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const { db } = await openDatabase({ dataDir, sampleEvents: 1500 })
    try {
      const hub = new ModelHub(db)
      const links = hub.funnel.sankeyLinks(await hub.funnel.navigationPaths(hub.events(), { steps: 2 }).execute(), {
        nTopExamples: 5,
      })
      expect(links.length).toBeGreaterThan(0)
      expect(run.stdout).toBe(`Wrote the Sankey diagram of ${links.length} links to ${out}\n`)
    } finally {
      await db.destroy()
    }
    const svg = readFileSync(out, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('Top 5 navigation paths of 2 steps')
  })

  it('explains its options', async () => {
    const run = await cli('chart', 'sankey', '--help')
    expect(run.code).toBe(0)
    for (const word of ['--out', '--steps', '--n-top-examples', '--only-converted-paths'])
      expect(run.stdout).toContain(word)
  })
})

describe('kysely-modelhub errors: one line on stderr, a non-zero exit, no stack trace', () => {
  it('an unknown model', async () => {
    expectOneLineError(
      await cli('sql', 'unique-visitors'),
      /unknown model "unique-visitors"; expected one of is-first-session, .*unique-users/,
    )
  })
  it('an unknown flag', async () => {
    expectOneLineError(await cli('sql', 'unique-users', '--bogus'), /unknown option '--bogus'/)
  })
  it('an unknown command', async () => {
    expectOneLineError(await cli('plot', 'unique-users'), /unknown command 'plot'/)
  })
  it('a missing argument or required option', async () => {
    expectOneLineError(await cli('sql'), /missing required argument 'model'/)
    expectOneLineError(await cli('chart', 'retention-matrix'), /required option '--out <file.svg>' not specified/)
  })
  it.each([
    [['sql', 'unique-users', '--engine', 'mysql'], /'mysql' is invalid. Allowed choices are postgres, bigquery/],
    [['sql', 'unique-users', '--time-aggregation', '%Q'], /timeAggregation.*%Q/],
    [['sql', 'unique-users', '--session-gap-seconds', 'soon'], /invalid --session-gap-seconds "soon"/],
    [['sql', 'unique-users', '--time-zone', 'CET'], /timeZone.*"CET"; not an IANA time zone name.*supportedValuesOf/],
    [
      ['run', 'lifecycle', '--time-zone', 'Mars/Olympus', '--data-dir', dataDir, '--events', '1500'],
      /"Mars\/Olympus"; not an IANA time zone name/,
    ],
    [
      ['sql', 'is-first-session', '--session-ids', 'global'],
      /'global' is invalid. Allowed choices are sequential, daily/,
    ],
    [['sql', 'unique-users', '--start-date', '2022-02-30'], /2022-02-30/],
    [['sql', 'session-duration', '--method', 'median'], /invalid --method "median": expected one of mean, sum/],
    [['sql', 'lifecycle', '--period', 'yearly'], /invalid --period "yearly": expected one of daily, weekly, monthly/],
    [['sql', 'stickiness', '--interval', 'hour'], /invalid --interval "hour": expected one of day, week, month/],
    [['sql', 'retention-matrix', '--mode', 'often'], /invalid --mode "often": expected one of first_time, recurring/],
    [
      ['sql', 'retention-matrix', '--periods', 'rolling'],
      /invalid --periods "rolling": expected one of calendar, elapsed/,
    ],
    [['sql', 'unique-users', '--mode', 'recurring'], /option --mode does not apply to model unique-users/],
    [['sql', 'unique-users', '--as', 'x'], /option --as does not apply to model unique-users/],
    [['sql', 'funnel-steps', '--order', 'any'], /invalid --order "any": expected one of ordered, strict, unordered/],
    [
      ['sql', 'time-to-convert', '--order', 'unordered'],
      /invalid --order "unordered": expected one of ordered, strict/,
    ],
    [['sql', 'time-to-convert', '--to-step', '3'], /toStep: got 3; expected 2/],
    [['sql', 'time-to-convert', '--from-step', '0'], /invalid --from-step "0"/],
    [
      ['sql', 'funnel-steps', '--conversion-window', '-1'],
      /invalid --conversion-window "-1": expected a number of seconds/,
    ],
    [['sql', 'funnel-steps', '--step', '{"id":'], /invalid --step .*not valid JSON; expected any \(every event\)/],
    [['sql', 'unique-users', '--step', 'home'], /option --step does not apply to model unique-users/],
    [['run', 'unique-users', '--limit', 'ten'], /invalid --limit "ten"/],
    [['load-sample', '--events', '-5'], /invalid --events "-5"/],
    [['sql', 'is-conversion-event', '--conversion-location', '{oops'], /invalid --conversion-location/],
  ] as [string[], RegExp][])('a bad option value: %j', async (args, message) => {
    expectOneLineError(await cli(...args), message)
  })
  it('an unreachable database', async () => {
    const run = await cli('run', 'unique-users', '--database-url', 'postgres://someone:secret@127.0.0.1:1/nowhere')
    expectOneLineError(
      run,
      /cannot use the database at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/,
    )
    expect(run.stderr).not.toContain('secret')
    expectOneLineError(
      await cli('load-sample', '--events', '10', '--database-url', 'postgres://127.0.0.1:1/nowhere'),
      /cannot load sample data into Postgres at postgres:\/\/127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/,
    )
  })
})

// On a Postgres server when the run has one (CI does): sample data loaded where the table is missing.
for (const url of [inject('postgresUrl')].filter((u) => u !== '')) {
  describe('kysely-modelhub on a Postgres server', () => {
    const name = `cli_${randomUUID().replaceAll('-', '')}`
    const target = new URL(url)
    target.pathname = `/${name}`
    const admin = createPostgresDb<any>({ connectionString: url, max: 1 })
    beforeAll(async () => {
      await sql`create database ${sql.id(name)}`.execute(admin)
    })
    afterAll(async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    })

    it('run and chart only read: a missing table is an error naming it, and nothing is written', async () => {
      const other = new URL(target)
      other.pathname = `/${name}_empty`
      await sql`create database ${sql.id(`${name}_empty`)}`.execute(admin)
      const db = createPostgresDb<any>({ connectionString: other.toString(), max: 1 })
      try {
        for (const args of [
          ['run', 'unique-sessions', '--group-by', 'none'],
          ['run', 'unique-users', '--table', 'analytics.events'],
          ['chart', 'retention-matrix', '--out', join(dir, 'never.svg')],
          ['chart', 'sankey', '--out', join(dir, 'never.svg'), '--table', 'analytics.events'],
        ]) {
          const table = args.includes('--table') ? 'analytics\\.events' : 'data'
          expectOneLineError(
            await cli(...args, '--database-url', other.toString()),
            new RegExp(`option "table": got "${table}"; no such table .*load-sample .*--table ${table}$`),
          )
        }
        const { rows } = await sql<{
          n: number
        }>`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`.execute(
          db,
        )
        expect(rows).toEqual([{ n: 0 }])
      } finally {
        await db.destroy()
        await sql`drop database if exists ${sql.id(`${name}_empty`)} with (force)`.execute(admin)
      }
    })

    it('run reads the table --table names, in another schema too', async () => {
      const other = new URL(target)
      other.pathname = `/${name}_schema`
      await sql`create database ${sql.id(`${name}_schema`)}`.execute(admin)
      const db = createPostgresDb<any>({ connectionString: other.toString(), max: 1 })
      try {
        await sql`create schema analytics`.execute(db)
        const loaded = await cli(
          'load-sample',
          '--events',
          '400',
          '--table',
          'analytics.events',
          '--database-url',
          other.toString(),
        )
        expect(loaded).toEqual({
          code: 0,
          stdout: `Loaded 400 sample events into the new table analytics.events on Postgres at ${other.toString()}\n`,
          stderr: '',
        })
        const run = await cli(
          'run',
          'unique-users',
          '--group-by',
          'none',
          '--table',
          'analytics.events',
          '--database-url',
          other.toString(),
        )
        expect(run.stderr).toBe('')
        const hub = new ModelHub(db, { table: 'analytics.events' })
        const rows = await hub.agg.uniqueUsers(hub.events(), { groupBy: null }).execute()
        expect(run.stdout).toBe(`unique_users\n${String(rows[0]!.unique_users).padStart('unique_users'.length)}\n`)
        expect(rows[0]!.unique_users).toBeGreaterThan(0)
        const { rows: tables } = await sql<{
          name: string
        }>`select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1`.execute(
          db,
        )
        expect(tables).toEqual([{ name: 'analytics.events' }])
      } finally {
        await db.destroy()
        await sql`drop database if exists ${sql.id(`${name}_schema`)} with (force)`.execute(admin)
      }
    })

    it('load-sample fills the table; run reads it; a second load-sample says the table exists', async () => {
      const loaded = await cli('load-sample', '--events', '800', '--database-url', target.toString())
      expect(loaded).toEqual({
        code: 0,
        stdout: `Loaded 800 sample events into the new table data on Postgres at ${target.toString()}\n`,
        stderr: '',
      })
      const run = await cli('run', 'frequency', '--database-url', target.toString())
      expect(run.code).toBe(0)
      const db = createPostgresDb<any>({ connectionString: target.toString(), max: 1 })
      try {
        const hub = new ModelHub(db)
        const rows = await hub.agg.frequency(hub.events()).limit(20).execute()
        expect(
          run.stdout
            .trimEnd()
            .split('\n')
            .slice(1)
            .map((l) => l.trim().split(/\s+/).map(Number)),
        ).toEqual(rows.map((r) => [r.session_id_nunique, r.user_id_nunique]))
      } finally {
        await db.destroy()
      }
      expectOneLineError(
        await cli('load-sample', '--events', '10', '--database-url', target.toString()),
        /cannot load sample data into Postgres at .*: relation "data" already exists/,
      )
    })
  })
}
