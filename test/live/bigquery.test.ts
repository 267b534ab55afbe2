import { randomUUID } from 'node:crypto'
import { BigQuery, BigQueryUnsupportedError, createBigQueryDb, dryRunBytes, typed } from '@kysely-modelhub/bigquery'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { normalized } from '../support/normalized.ts'

/**
 * The models on real BigQuery, compared with PGlite. They need a project and a dataset the tests may
 * create a table in: BIGQUERY_PROJECT, BIGQUERY_DATASET (optional BIGQUERY_LOCATION, and
 * BIGQUERY_KEY_FILE or Application Default Credentials). vitest.config.ts includes this folder only
 * when BIGQUERY_PROJECT is set; the run prints whether it did.
 */
const project = process.env.BIGQUERY_PROJECT
const dataset = process.env.BIGQUERY_DATASET
const location = process.env.BIGQUERY_LOCATION
const keyFilename = process.env.BIGQUERY_KEY_FILE

if (!project || !dataset) throw new Error('set BIGQUERY_PROJECT and BIGQUERY_DATASET to run the live BigQuery tests')

describe(`live BigQuery [${project}.${dataset}]`, () => {
  const table = `modelhub_test_${randomUUID().replaceAll('-', '')}`
  const options = {
    projectId: project,
    dataset,
    labels: { suite: 'modelhub_live' },
    jobPrefix: 'modelhub_live_',
    ...(location ? { location } : {}),
    ...(keyFilename ? { keyFilename } : {}),
  }
  let bq: Kysely<any>
  let pg: Kysely<any>

  beforeAll(async () => {
    bq = createBigQueryDb<any>(options)
    // The Objectiv fixture as a table of the logical layout (value as JSON text), made by one DDL job.
    const rows = OBJECTIV_DATA.map(
      (r) =>
        sql`select ${r.event_id} as event_id, date(${r.day}) as day, timestamp(${r.moment}) as moment, ${r.cookie_id} as cookie_id, ${JSON.stringify(r.value)} as value`,
    )
    await sql`create table ${sql.table(`${dataset}.${table}`)} as ${sql.join(rows, sql` union all `)}`.execute(bq)
    pg = await createPgliteDb<any>()
    await createDataTable(pg, OBJECTIV_DATA)
  }, 120_000)

  afterAll(async () => {
    await sql`drop table if exists ${sql.table(`${dataset}.${table}`)}`.execute(bq)
    await pg?.destroy()
  }, 120_000)

  const hubs = () =>
    [
      new ModelHub(pg, { table: 'data', globalContexts: ['application'], sessionIds: 'daily' }),
      new ModelHub(bq, { table, globalContexts: ['application'] }),
    ].map((h) =>
      h.addConversionEvent({
        name: 'github_clicks',
        locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'cta-repo-button' }),
        eventType: 'ClickEvent',
      }),
    )

  async function same(build: (h: ReturnType<typeof hubs>[number]) => { execute(): Promise<any[]> }) {
    const [p, b] = hubs()
    const expected = await build(p as never).execute()
    expect(normalized(await build(b as never).execute())).toEqual(normalized(expected))
  }

  it('runs every model with the rows Postgres gives', async () => {
    await same((h) => h.events())
    await same((h) => h.agg.uniqueUsers(h.events(), { groupBy: ['application', 'event_type'] }))
    await same((h) => h.agg.sessionDuration(h.events()))
    await same((h) => h.agg.retentionMatrix(h.events(), { timePeriod: 'daily' }))
    await same((h) => h.agg.topProductFeatures(h.events()))
    await same((h) => h.agg.topProductFeaturesBeforeConversion(h.events(), 'github_clicks'))
    await same((h) => h.agg.funnelConversion(h.events()))
    await same((h) => h.funnel.navigationPaths(h.events(), { steps: 3 }))
    await same((h) => h.map.conversionsInTime(h.map.isNewUser(h.events()), 'github_clicks'))
  }, 600_000)

  it('materializes a model as a table and a view that read the same rows', async () => {
    const [, b] = hubs()
    const hub = b as ModelHub<any, any, any>
    const expected = normalized(await hub.agg.uniqueUsers(hub.events()).execute())
    for (const kind of ['table', 'view'] as const) {
      const name = `${dataset}.${table}_${kind}`
      try {
        const stored = await hub.materialize(hub.agg.uniqueUsers(hub.events()), { kind, name })
        expect(normalized(await stored.execute())).toEqual(expected)
      } finally {
        await sql`drop ${sql.raw(kind)} if exists ${sql.table(name)}`.execute(bq)
      }
    }
  }, 300_000)

  it('streams rows in chunks', async () => {
    const [, b] = hubs()
    const ids: string[] = []
    for await (const row of (b as ModelHub<any, any, any>).events().stream(5)) ids.push(row.event_id)
    expect(ids.sort()).toEqual(OBJECTIV_DATA.map((r) => r.event_id).sort())
  }, 120_000)

  it('reads parameters and values of every type back', async () => {
    const moment = new Date('2021-11-30T10:23:36.287Z')
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${moment} as m, ${null} as n, ${"it's"} as s, ${2.5} as f, date '2021-11-30' as d, json '{"a": [1]}' as j`.execute(
      bq,
    )
    expect(rows).toEqual([{ m: moment, n: null, s: "it's", f: 2.5, d: '2021-11-30', j: { a: [1] } }])
  }, 120_000)

  it('inserts NULLs and typed values into columns of every type, reads them back, and counts DML rows', async () => {
    const name = `${dataset}.${table}_types`
    await sql`create table ${sql.table(name)} (id STRING, i INT64, f FLOAT64, b BOOL, j JSON, d DATE, dt DATETIME, t TIME, ts TIMESTAMP, by BYTES, num NUMERIC, bn BIGNUMERIC)`.execute(
      bq,
    )
    try {
      const nulls = await bq
        .insertInto(name)
        .values({ id: 'nulls', i: null, f: null, b: null, j: null, d: null, dt: null, t: null, ts: null, by: null })
        .executeTakeFirst()
      expect(nulls.numInsertedOrUpdatedRows).toBe(1n)
      const values = await bq
        .insertInto(name)
        .values([
          {
            id: 'typed',
            i: 9223372036854775807n,
            f: 2.5,
            b: true,
            j: typed({ a: [1] }, 'JSON'),
            d: typed('2021-11-30', 'DATE'),
            dt: typed('2021-11-30 10:23:36.123456', 'DATETIME'),
            t: typed('10:23:36', 'TIME'),
            ts: new Date('2021-11-30T10:23:36.287Z'),
            by: new Uint8Array([1, 2, 3]),
            num: typed('12345678901234567.123456789', 'NUMERIC'),
            bn: typed('0.1', 'BIGNUMERIC'),
          },
          { id: 'other', i: 1 },
        ])
        .executeTakeFirst()
      expect(values.numInsertedOrUpdatedRows).toBe(2n)
      const rows = await bq.selectFrom(name).selectAll().where('id', 'in', ['nulls', 'typed']).orderBy('id').execute()
      expect(rows).toEqual([
        {
          id: 'nulls',
          i: null,
          f: null,
          b: null,
          j: null,
          d: null,
          dt: null,
          t: null,
          ts: null,
          by: null,
          num: null,
          bn: null,
        },
        {
          id: 'typed',
          i: 9223372036854775807n,
          f: 2.5,
          b: true,
          j: { a: [1] },
          d: '2021-11-30',
          dt: '2021-11-30 10:23:36.123456',
          t: '10:23:36',
          ts: new Date('2021-11-30T10:23:36.287Z'),
          by: Buffer.from([1, 2, 3]),
          num: '12345678901234567.123456789',
          bn: 0.1,
        },
      ])
      const updated = await bq.updateTable(name).set({ f: 1 }).where('id', '!=', 'nulls').executeTakeFirst()
      expect(updated.numUpdatedRows).toBe(2n)
      const deleted = await bq.deleteFrom(name).where(sql<boolean>`true`).executeTakeFirst()
      expect(deleted.numDeletedRows).toBe(3n)
    } finally {
      await sql`drop table if exists ${sql.table(name)}`.execute(bq)
    }
  }, 180_000)

  it('keeps temporary tables in a session for withConnection and connect(), and ends the session on release', async () => {
    const [, b] = hubs()
    const hub = b as ModelHub<any, any, any>
    const expected = normalized(await hub.agg.uniqueUsers(hub.events()).execute())
    const inScope = await hub.withConnection(async (h) => {
      const events = await h.materialize(h.events(), { kind: 'temp_table' })
      const daily = await h.materialize(h.agg.uniqueUsers(events), { kind: 'temp_table', name: 'modelhub_live_daily' })
      const session = await sql<{ id: string }>`select @@session_id as id`.execute(h.db)
      return { rows: normalized(await daily.execute()), session: session.rows[0]?.id }
    })
    expect(inScope.rows).toEqual(expected)
    expect(inScope.session).toMatch(/\S/)
    // Other connections never saw the table (unqualified, it names a table of the dataset, which does not exist).
    await expect(bq.selectFrom('modelhub_live_daily').selectAll().execute()).rejects.toThrow(/modelhub_live_daily/)
    // The release ended the session: no job can run in it any more.
    const client = new BigQuery({
      projectId: project,
      ...(location ? { location } : {}),
      ...(keyFilename ? { keyFilename } : {}),
    })
    await expect(
      client.query({
        query: 'select 1',
        connectionProperties: [{ key: 'session_id', value: inScope.session! }],
        ...(location ? { location } : {}),
      }),
    ).rejects.toThrow()

    const connection = await hub.connect()
    try {
      const daily = await connection.hub.materialize(connection.hub.agg.uniqueUsers(connection.hub.events()), {
        kind: 'temp_table',
      })
      expect(normalized(await daily.execute())).toEqual(expected)
      expect(normalized(await daily.execute())).toEqual(expected)
    } finally {
      await connection.release()
    }
  }, 300_000)

  it('runs a transaction over several queries in one session: commits, rolls back on error, refuses savepoints', async () => {
    const name = `${dataset}.${table}_trx`
    await sql`create table ${sql.table(name)} (id STRING, n INT64)`.execute(bq)
    try {
      const [, b] = hubs()
      const outside = b as ModelHub<any, any, any>
      const expected = normalized(await outside.agg.uniqueUsers(outside.events()).execute())
      const inside = await bq.transaction().execute(async (trx) => {
        const inserted = await trx.insertInto(name).values({ id: 'kept', n: 1 }).executeTakeFirst()
        expect(inserted.numInsertedOrUpdatedRows).toBe(1n)
        // A hub over the transaction: its temporary table lives in the transaction's session.
        const hub = new ModelHub(trx, { table })
        const daily = await hub.materialize(hub.agg.uniqueUsers(hub.events()), { kind: 'temp_table' })
        return {
          daily: normalized(await daily.execute()),
          rows: await trx.selectFrom(name).selectAll().execute(),
        }
      })
      expect(inside.daily).toEqual(expected)
      expect(inside.rows).toEqual([{ id: 'kept', n: 1 }])
      expect(await bq.selectFrom(name).selectAll().execute()).toEqual([{ id: 'kept', n: 1 }])

      await expect(
        bq.transaction().execute(async (trx) => {
          await trx.insertInto(name).values({ id: 'dropped', n: null }).execute()
          await trx.updateTable(name).set({ n: 2 }).where('id', '=', 'kept').execute()
          throw new Error('the app rolls back')
        }),
      ).rejects.toThrow('the app rolls back')
      expect(await bq.selectFrom(name).selectAll().execute()).toEqual([{ id: 'kept', n: 1 }])

      const trx = await bq.startTransaction().execute()
      await expect(trx.savepoint('before').execute()).rejects.toThrow(BigQueryUnsupportedError)
      await trx.rollback().execute()
    } finally {
      await sql`drop table if exists ${sql.table(name)}`.execute(bq)
    }
  }, 300_000)

  it('reports the bytes a query would process, and refuses one over maximumBytesBilled', async () => {
    const [, b] = hubs()
    const query = (b as ModelHub<any, any, any>).agg.uniqueUsers((b as ModelHub<any, any, any>).events())
    expect(await dryRunBytes(bq, query)).toBeGreaterThan(0)
    const guarded = createBigQueryDb<any>({ ...options, maximumBytesBilled: 1 })
    const hub = new ModelHub(guarded, { table })
    await expect(hub.agg.uniqueUsers(hub.events()).execute()).rejects.toThrow(/bytes billed/i)
  }, 120_000)
})
