import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MODELS, offlineEngine, openDatabase, runCli } from '@kysely-modelhub/cli'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const BIN = resolve(import.meta.dirname, '../packages/cli/bin/kysely-modelhub.js')
/** The bin runs the compiled CLI; here it runs the sources, so the tests need no build. */
const FROM_SOURCE = ['--conditions=@kysely-modelhub/source', '--import', 'tsx']

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Spawns the CLI as a user would (node + the bin file), from source. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...FROM_SOURCE, BIN, ...args],
      { timeout: 120_000, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

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

  it.each([
    [
      ['sql', '--help'],
      [
        '--engine',
        '--time-aggregation',
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
      ['--database-url', '--events', '--limit', '--time-aggregation', 'session-duration'],
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
      ['--out', '--period', '--database-url'],
    ],
    [
      ['run', '--help'],
      ['lifecycle', 'stickiness', '--period', '--interval'],
    ],
    [
      ['chart', 'retention-matrix', '--help'],
      ['--out', '--time-period', '--percentage', '--database-url'],
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
    expect(run.stdout).toMatch(/count\(distinct "user_id"\)/i)
    expect(run.stdout).toMatch(/to_char\(\s*\(timestamp 'epoch' \+ \(\("moment"\) - 'epoch'\)\),\s*E'YYYY"-"MM'\s*\)/)
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
    ])
    for (const model of MODELS) {
      const run = await inProcess('sql', model.name)
      expect(run.stderr, model.name).toBe('')
      expect(run.code, model.name).toBe(0)
      // Stages as named CTEs, then the select (docs/performance.md, "The SQL a model exports").
      expect(run.stdout, model.name).toMatch(/^(with|select)\b/i)
    }
  })

  it('passes model options through, and names the model in camel or snake case too', async () => {
    const month = await inProcess('sql', 'isNewUser', '--model-time-aggregation', '%Y-%m', '--as', 'is_new_user_month')
    expect(month.code).toBe(0)
    expect(month.stdout).toContain('"is_new_user_month"')
    expect(month.stdout).toContain(`E'YYYY"-"MM'`)
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

  it('prints BigQuery SQL with --engine bigquery, the events table named events', async () => {
    const run = await cli('sql', 'unique-users', '--engine', 'bigquery', '--start-date', '2022-03-01')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('count(distinct `user_id`)')
    expect(run.stdout).toContain("format_timestamp('%Y-%m-%d', `moment`, 'UTC')")
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
    [
      ['sql', 'is-first-session', '--session-ids', 'global'],
      /'global' is invalid. Allowed choices are sequential, daily/,
    ],
    [['sql', 'unique-users', '--start-date', '2022-02-30'], /2022-02-30/],
    [['sql', 'session-duration', '--method', 'median'], /invalid --method "median": expected one of mean, sum/],
    [['sql', 'lifecycle', '--period', 'yearly'], /invalid --period "yearly": expected one of daily, weekly, monthly/],
    [['sql', 'stickiness', '--interval', 'hour'], /invalid --interval "hour": expected one of day, week, month/],
    [['sql', 'unique-users', '--as', 'x'], /option --as does not apply to model unique-users/],
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
