import { randomUUID } from 'node:crypto'
import { ModelHub, toMatrix } from '@kysely-modelhub/modelhub'
import { createPgliteDb, createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { createEventsTable, loadSampleData } from '@kysely-modelhub/sample-data'
import { DeduplicateJoinsPlugin, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { appPgliteDb } from '../../packages/dialects/postgres/test/support/app-pglite.ts'
import { expectDeclaredTypes, sortedRows } from '../support/declared-types.ts'
import { EVERY_MODEL, sampleHub } from '../support/every-model.ts'

/**
 * docs/engines.md ("Your own Kysely works the same"): a hub on a Kysely the app made itself — pg's or PGlite's default type
 * parsers, any process and session time zone, a transaction, withSchema, withPlugin — gives the
 * same values, with the declared JS types, as on createPostgresDb / createPgliteDb. The process
 * runs in America/New_York (vitest.config.ts), so a local-time reading would show.
 */

type Hub = ReturnType<typeof sampleHub>
type Model = (h: Hub) => { execute(): Promise<unknown[]> }

/** Output kinds EVERY_MODEL leaves out: percentages, counts without groups, day keys, conversion steps. */
const MORE_MODELS: Record<string, Model> = {
  'agg.retentionMatrix, daily percentage': (h) =>
    h.agg.retentionMatrix(h.events(), { timePeriod: 'daily', percentage: true }),
  'agg.dropOffLocations, counts': (h) => h.agg.dropOffLocations(h.events()),
  'agg.funnelConversion, one funnel': (h) => h.agg.funnelConversion(h.events()),
  'agg.sessionDuration by day': (h) => h.agg.sessionDuration(h.events(), { groupBy: 'day' }),
  'agg.uniqueUsers by session and month': (h) =>
    h.agg.uniqueUsers(h.events(), { groupBy: ['session_id', { timeAggregation: '%Y-%m' }] }),
  'funnel.navigationPaths with conversion steps': (h) =>
    h.funnel.navigationPaths(h.events(), { steps: 2, addConversionStepColumn: true, conversionName: 'presses' }),
  'map.preConversionHitNumber by user': (h) =>
    h.map.preConversionHitNumber(h.events(), 'presses', { partition: 'user_id' }),
}
const MODELS: Record<string, Model> = { ...EVERY_MODEL, ...MORE_MODELS }

/** Every model's rows, in a stable order. */
async function runAll(h: Hub): Promise<Record<string, unknown[]>> {
  const results: Record<string, unknown[]> = {}
  for (const [name, model] of Object.entries(MODELS)) results[name] = sortedRows(await model(h).execute())
  return results
}

/** A per-user feature table from events, a logistic regression on it, and its SQL predictions. */
async function mlResults(h: Hub) {
  const users = h.db
    .selectFrom(h.events().as('e'))
    .where('e.user_id', 'is not', null)
    .select((eb) => [
      eb.ref('e.user_id').as('user_id'),
      sql<number>`count(*)::float8`.as('n_events'),
      sql<number>`sum(case when ${eb.ref('e.event_type')} = 'PressEvent' then 1 else 0 end)::float8`.as('n_press'),
      sql<boolean>`count(distinct ${eb.ref('e.session_id')}) > 1`.as('returned'),
    ])
    .groupBy('e.user_id')
  const model = await h.ml.logisticRegression().fit(users, { features: ['n_events', 'n_press'], label: 'returned' })
  return {
    // Sums of floats may differ in their last bits between plans: compared to 10 significant digits.
    coef: Object.fromEntries(Object.entries(model.coef).map(([k, v]) => [k, Number(v.toPrecision(10))])),
    proba: sortedRows(await model.predictProba(users).execute()),
    labels: sortedRows(await model.predict(users).execute()),
    score: Number((await model.score(users, { label: 'returned' })).toPrecision(10)),
  }
}

/** Asserts the app's hub gives exactly our rows, every value typed as declared. */
async function expectSameAsOurs(theirs: Hub, ours: Record<string, unknown[]>): Promise<void> {
  let checked = 0
  for (const [name, model] of Object.entries(MODELS)) {
    const rows = sortedRows(await model(theirs).execute()) as Record<string, unknown>[]
    checked += expectDeclaredTypes(name, rows)
    expect({ name, rows }).toEqual({ name, rows: ours[name] })
  }
  expect(checked).toBeGreaterThan(1000)
}

const url = inject('postgresUrl')

describe.runIf(url)("a hub on the app's own pg Kysely [postgres]", () => {
  const database = `test_${randomUUID().replaceAll('-', '')}`
  let admin: Kysely<any>
  let ours: Kysely<any>
  const pools: pg.Pool[] = []
  let expected: Record<string, unknown[]>

  const at = (): string => {
    const target = new URL(url)
    target.pathname = `/${database}`
    return target.toString()
  }
  /** The Kysely an app has: pg's defaults (its global type parsers untouched), its own pool options. */
  const appDb = (options: pg.PoolConfig = {}): Kysely<any> => {
    const pool = new pg.Pool({ connectionString: at(), max: 2, ...options })
    pool.on('error', () => {}) // as an app does: an idle connection the server closes is not a crash
    pools.push(pool)
    return new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
  }

  beforeAll(async () => {
    admin = createPostgresDb<any>({ connectionString: url, max: 1 })
    await sql`create database ${sql.id(database)}`.execute(admin)
    ours = createPostgresDb<any>({ connectionString: at(), max: 2 })
    await loadSampleData(ours, { events: 1500, seed: 11, progress: false })
    // The first days only, in another schema: a hub reading the wrong table would count differently.
    await sql`create schema some_schema`.execute(ours)
    await sql`create table some_schema.data as select * from data where day <= (select min(day) + 1 from data)`.execute(
      ours,
    )
    expected = await runAll(sampleHub(ours))
  })

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()))
    await ours?.destroy()
    // pool.end() resolves before the backends exit; a forced drop would kill them mid-goodbye.
    for (let wait = 0; wait < 250; wait++) {
      const { rows } = await sql<{
        n: number
      }>`select count(*) as n from pg_stat_activity where datname = ${database}`.execute(admin)
      if (rows[0]?.n === 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin)
    await admin?.destroy()
  })

  it('runs with pg parsing int8 and numeric as strings and timestamps in local time', async () => {
    const app = appDb()
    const { rows } = await sql<
      Record<string, unknown>
    >`select 45::int8 as n, timestamp '2022-03-01 10:00' as t`.execute(app)
    expect(rows[0]).toEqual({ n: '45', t: new Date('2022-03-01T15:00:00Z') })
  })

  it('gives every model our values with the declared types, with engine: postgres', async () => {
    await expectSameAsOurs(sampleHub(appDb(), { engine: postgres }), expected)
  })

  it('gives them on a pool whose sessions run in New York time', async () => {
    const app = appDb({ options: '-c TimeZone=America/New_York' })
    const { rows } = await sql<{ zone: string }>`select current_setting('TimeZone') as zone`.execute(app)
    expect(rows[0]?.zone).toBe('America/New_York')
    await expectSameAsOurs(sampleHub(app, { engine: postgres }), expected)
  })

  it('gives the moments as the stored UTC instants and the days as stored', async () => {
    const stored = await ours
      .selectFrom('data')
      .select([
        'event_id',
        sql<string>`to_char(moment, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as('moment'),
        sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'),
      ])
      .execute()
    const app = appDb({ options: '-c TimeZone=America/New_York' })
    const events = await sampleHub(app, { engine: postgres }).events().execute()
    const byId = new Map(stored.map((row) => [row.event_id, row]))
    expect(events).toHaveLength(stored.length)
    for (const event of events) {
      expect({ moment: event.moment.toISOString(), day: event.day }).toEqual({
        moment: byId.get(event.event_id)?.moment,
        day: byId.get(event.event_id)?.day,
      })
    }
  })

  it('compares moment with a Date parameter at its instant, though pg sends it in local time', async () => {
    // The median moment: a local-time reading of the parameter would move the cut by five hours.
    const { moment: since } = await ours
      .selectFrom('data')
      .select('moment')
      .orderBy('moment')
      .offset(750)
      .limit(1)
      .executeTakeFirstOrThrow()
    const after = (h: Hub) => h.events().where('moment', '>=', since).execute()
    const app = appDb({ options: '-c TimeZone=America/New_York' })
    const theirs = await after(sampleHub(app, { engine: postgres }))
    expect(sortedRows(theirs)).toEqual(sortedRows(await after(sampleHub(ours))))
    expect(theirs.length).toBeGreaterThanOrEqual(750)
    expect(theirs.length).toBeLessThan(1500)
    expect(theirs.every((event) => event.moment >= since)).toBe(true)
  })

  it('fits and predicts the same in SQL: probabilities are numbers, the score one too', async () => {
    const theirs = await mlResults(sampleHub(appDb(), { engine: postgres }))
    expect(theirs).toEqual(await mlResults(sampleHub(ours)))
    expect(theirs.proba.every((row) => typeof row.probability === 'number')).toBe(true)
    expect(typeof theirs.score).toBe('number')
  })

  it("pivots the app's retention rows with toMatrix", async () => {
    const app = sampleHub(appDb(), { engine: postgres })
    const matrix = toMatrix(await app.agg.retentionMatrix(app.events(), { timePeriod: 'daily' }).execute())
    expect(matrix).toEqual(
      toMatrix(
        await sampleHub(ours)
          .agg.retentionMatrix(sampleHub(ours).events(), {
            timePeriod: 'daily',
          })
          .execute(),
      ),
    )
    expect(matrix.length).toBeGreaterThan(0)
  })

  it('finds our engine in a transaction, withPlugin and withSchema copy of our Kysely', async () => {
    const inTransaction = await ours.transaction().execute(async (trx) => runAll(sampleHub(trx)))
    expect(inTransaction).toEqual(expected)
    expect(await runAll(sampleHub(ours.withPlugin(new DeduplicateJoinsPlugin())))).toEqual(expected)
    expect(new ModelHub(ours.withSchema('some_schema')).engine).toBe(postgres)
  })

  it("runs in a transaction of the app's Kysely with engine: postgres", async () => {
    const app = appDb({ options: '-c TimeZone=America/New_York' })
    const rows = await app.transaction().execute((trx) => runAll(sampleHub(trx, { engine: postgres })))
    expect(rows).toEqual(expected)
  })

  it('reads the table in the schema of withSchema, as if the table option named it', async () => {
    const inSchema = sampleHub(ours.withSchema('some_schema'))
    const named = sampleHub(ours, { table: 'some_schema.data' })
    const app = sampleHub(appDb().withSchema('some_schema'), { engine: postgres })
    for (const name of ['events', 'agg.uniqueUsers', 'agg.sessionDuration', 'funnel.navigationPaths']) {
      const model = MODELS[name] as Model
      const rows = sortedRows(await model(inSchema).execute())
      expect(rows).toEqual(sortedRows(await model(named).execute()))
      expect(sortedRows(await model(app).execute())).toEqual(rows)
      expect(rows).not.toEqual(expected[name])
      expect(rows.length).toBeGreaterThan(0)
    }
    // hub.check() looks there too: the table is found in some_schema, and missing in a schema without it.
    await inSchema.check()
    await sql`create schema empty_schema`.execute(ours)
    await expect(sampleHub(ours.withSchema('empty_schema')).check()).rejects.toThrow(
      'option "table": got "data"; no such table is visible to this connection',
    )
  })

  it('joins events to a text-keyed users table on user_id', async () => {
    await sql`create table app_users (id text primary key, plan text not null)`.execute(ours)
    await sql`insert into app_users select distinct cookie_id::text, 'free' from data`.execute(ours)
    for (const db of [ours, appDb()]) {
      const hub = sampleHub(db, { engine: postgres })
      const joined = await hub
        .events()
        .innerJoin('app_users', 'app_users.id', 'events.user_id')
        .select(['app_users.plan'])
        .execute()
      expect(joined).toHaveLength(1500)
      expect(joined.every((row) => row.plan === 'free' && typeof row.user_id === 'string')).toBe(true)
    }
  })
})

describe("a hub on the app's own PGlite Kysely [pglite]", () => {
  let ours: Kysely<any>
  let app: Kysely<any>
  let expected: Record<string, unknown[]>

  beforeAll(async () => {
    ours = await createPgliteDb<any>()
    await loadSampleData(ours, { events: 1500, seed: 11, progress: false })
    // The same rows in the app's database, moved as text so nothing is read in local time on the way.
    app = appPgliteDb<any>()
    await createEventsTable(app)
    const { rows } = await sql<{ rows: string }>`select json_agg(data)::text as rows from data`.execute(ours)
    await sql`insert into data select * from json_populate_recordset(null::data, ${rows[0]?.rows}::json)`.execute(app)
    await sql`create table app_users (id text primary key, plan text not null)`.execute(app)
    await sql`insert into app_users select distinct cookie_id::text, 'free' from data`.execute(app)
    expected = await runAll(sampleHub(ours))
  })

  afterAll(async () => {
    await ours?.destroy()
    await app?.destroy()
  })

  it("runs with PGlite's default parsers: numeric as strings, timestamps in local time, dates as Dates", async () => {
    const { rows } = await sql<
      Record<string, unknown>
    >`select 1.5::numeric as n, timestamp '2022-03-01 10:00' as t, date '2022-03-01' as d`.execute(app)
    expect(rows[0]).toEqual({ n: '1.5', t: new Date('2022-03-01T15:00:00Z'), d: new Date('2022-03-01T00:00:00Z') })
  })

  it('gives every model our values with the declared types, with engine: postgres', async () => {
    await expectSameAsOurs(sampleHub(app, { engine: postgres }), expected)
  })

  it('fits and predicts the same in SQL', async () => {
    expect(await mlResults(sampleHub(app, { engine: postgres }))).toEqual(await mlResults(sampleHub(ours)))
  })

  it("runs in a transaction of the app's Kysely, and ours finds its engine in one", async () => {
    expect(await app.transaction().execute((trx) => runAll(sampleHub(trx, { engine: postgres })))).toEqual(expected)
    expect(await ours.transaction().execute((trx) => runAll(sampleHub(trx)))).toEqual(expected)
  })

  it('joins events to a text-keyed users table on user_id', async () => {
    const joined = await sampleHub(app, { engine: postgres })
      .events()
      .innerJoin('app_users', 'app_users.id', 'events.user_id')
      .select(['app_users.plan'])
      .execute()
    expect(joined).toHaveLength(1500)
    expect(joined.every((row) => row.plan === 'free')).toBe(true)
  })
})
