import { ModelHubInputError } from '@kysely-modelhub/core'
import { connectionOf } from '@kysely-modelhub/postgres'
import {
  createEventsTable,
  generateSampleEvents,
  loadEvents,
  loadSampleData,
  type SampleEventRow,
} from '@kysely-modelhub/sample-data'
import { type Kysely, sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachPostgres } from '../support/engines.ts'

const EVENTS = 5_000
const SEED = 11
/** What the database must hold: the generator's own output, counted here in TS. */
const expected = [...generateSampleEvents({ events: EVENTS, seed: SEED })]
const byEventId = (a: SampleEventRow, b: SampleEventRow) => (a.event_id < b.event_id ? -1 : 1)

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1
  return counts
}

const quickstartPresses = expected.filter(
  (r) =>
    r.value._type === 'PressEvent' &&
    r.value.location_stack.some((c) => c._type === 'LinkContext' && c.id === 'Quickstart Guide'),
).length

/** Tables named at run time. */
type AnyTables = Kysely<Record<string, Record<string, unknown>>>

/** Every row as the table gives it back, in event_id order. */
async function tableRows(db: AnyTables, table: string): Promise<SampleEventRow[]> {
  return (await db
    .selectFrom(table)
    .select(['event_id', 'day', 'moment', 'cookie_id', 'value'])
    .orderBy('event_id')
    .execute()) as SampleEventRow[]
}

const count = async <DB>(db: Kysely<DB>, table: string): Promise<number> =>
  (
    await (db as unknown as AnyTables)
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n

/** A row whose value has one hostile location id, to prove the COPY escaping. */
function withLocationId(row: SampleEventRow, id: string): SampleEventRow {
  return { ...row, value: { ...row.value, location_stack: [{ _type: 'RootLocationContext', id }] } }
}

describeEachPostgres('loading events', (ctx) => {
  it('loads through COPY on the Kyselys we create', () => {
    expect(Object.keys(connectionOf(ctx.db) ?? {})).toEqual([ctx.name === 'pglite' ? 'pglite' : 'pool'])
  })

  it('loadSampleData creates the json table and holds exactly what the generator made', async () => {
    expect(await loadSampleData(ctx.db, { events: EVENTS, seed: SEED, batchSize: 2_000, progress: false })).toBe(EVENTS)
    const perDay = await ctx.db
      .selectFrom('data')
      .select(['day', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('day')
      .orderBy('day')
      .execute()
    expect(Object.fromEntries(perDay.map((r) => [r.day, r.n]))).toEqual(countBy(expected, (r) => r.day))
    const cookies = await ctx.db
      .selectFrom('data')
      .select((eb) => eb.fn.count<number>('cookie_id').distinct().as('n'))
      .executeTakeFirstOrThrow()
    expect(cookies.n).toBe(new Set(expected.map((r) => r.cookie_id)).size)
    expect(await tableRows(ctx.db, 'data')).toEqual(expected.toSorted(byEventId))
  })

  it('creates the columns, value type and day index of Objectiv’s table', async () => {
    const columns = await sql<{ column_name: string; data_type: string; is_nullable: string }>`
      select column_name, data_type, is_nullable from information_schema.columns
      where table_name = 'data' order by ordinal_position`.execute(ctx.db)
    expect(columns.rows).toEqual([
      { column_name: 'event_id', data_type: 'uuid', is_nullable: 'NO' },
      { column_name: 'day', data_type: 'date', is_nullable: 'NO' },
      { column_name: 'moment', data_type: 'timestamp without time zone', is_nullable: 'NO' },
      { column_name: 'cookie_id', data_type: 'uuid', is_nullable: 'NO' },
      { column_name: 'value', data_type: 'json', is_nullable: 'NO' },
    ])
    const indexes = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where tablename = 'data' order by indexname`.execute(ctx.db)
    expect(indexes.rows).toEqual([
      { indexname: 'data_day_idx', indexdef: 'CREATE INDEX data_day_idx ON public.data USING btree (day)' },
      { indexname: 'data_pkey', indexdef: 'CREATE UNIQUE INDEX data_pkey ON public.data USING btree (event_id)' },
    ])
  })

  it('loads into a jsonb table just the same, ready for jsonb operators', async () => {
    const progress: number[] = []
    await createEventsTable(ctx.db, { table: 'data_jsonb', valueType: 'jsonb' })
    const loaded = await loadEvents(ctx.db, generateSampleEvents({ events: EVENTS, seed: SEED }), {
      table: 'data_jsonb',
      batchSize: 2_000,
      onProgress: (n) => progress.push(n),
    })
    expect([loaded, progress]).toEqual([EVENTS, [2_000, 4_000, 5_000]])
    expect(await tableRows(ctx.db, 'data_jsonb')).toEqual(expected.toSorted(byEventId))
    const quickstart = await ctx.db
      .selectFrom('data_jsonb')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(sql<boolean>`value ->> '_type' = 'PressEvent'`)
      .where(sql<boolean>`value -> 'location_stack' @> '[{"_type": "LinkContext", "id": "Quickstart Guide"}]'`)
      .executeTakeFirstOrThrow()
    expect(quickstart.n).toBe(quickstartPresses)
  })

  it('loads nothing of a batch with a bad event and names the event', async () => {
    await createEventsTable(ctx.db, { table: 'bad_batch' })
    const progress: number[] = []
    const [a, b, c, d, e] = expected as [SampleEventRow, SampleEventRow, SampleEventRow, SampleEventRow, SampleEventRow]
    const bad = { ...d, value: { ...d.value, location_stack: [{ _type: 'RootLocationContext', id: 42 }] } }
    const rows = [a, b, c, bad as unknown as SampleEventRow, e]
    await expect(
      loadEvents(ctx.db, rows, { table: 'bad_batch', batchSize: 3, onProgress: (n) => progress.push(n) }),
    ).rejects.toThrow(new ModelHubInputError(`event ${d.event_id}: location_stack[0].id: expected a string, got 42`))
    expect(await count(ctx.db, 'bad_batch')).toBe(3)
    expect(progress).toEqual([3])
  })

  it('names an event without a readable id by its position in the input', async () => {
    await createEventsTable(ctx.db, { table: 'no_id' })
    const [a, b] = expected as [SampleEventRow, SampleEventRow]
    const rows = [a, { ...b, value: { ...b.value, id: undefined } } as unknown as SampleEventRow]
    await expect(loadEvents(ctx.db, rows, { table: 'no_id' })).rejects.toThrow(
      new ModelHubInputError('event #1: id: expected a string, got nothing'),
    )
    expect(await count(ctx.db, 'no_id')).toBe(0)
  })

  it('escapes what CSV and JSON find hard, and quotes hostile table names', async () => {
    const table = 'Odd "name"; drop table data; --'
    await createEventsTable(ctx.db, { table, valueType: 'jsonb' })
    const ids = ['a "quoted", comma', 'back\\slash \\. \\N', 'new\nline\r\n', '\\.', 'ünïcødé 🎉 \u2028', "it's $1 --"]
    const rows = ids.map((id, i) => withLocationId(expected[i] as SampleEventRow, id))
    async function* slowly() {
      for (const row of rows) yield row // an async source works as well as an array
    }
    expect(await loadEvents(ctx.db, slowly(), { table, batchSize: 4 })).toBe(ids.length)
    expect(await tableRows(ctx.db, table)).toEqual(rows.toSorted(byEventId))
    expect(await count(ctx.db, 'data')).toBe(EVENTS)
  })

  it('falls back to INSERTs for a Kysely it did not create, and then joins a transaction', async () => {
    const other = ctx.db.withoutPlugins()
    expect(connectionOf(other)).toBeUndefined()
    await createEventsTable(other, { table: 'inserted' })
    const rows = expected.slice(0, 2_345)
    expect(await loadEvents(other, rows, { table: 'inserted', batchSize: 1_500 })).toBe(2_345)
    expect(await tableRows(ctx.db, 'inserted')).toEqual(rows.toSorted(byEventId))
    const undo = new Error('undo')
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await loadEvents(trx, expected.slice(2_345, 2_400), { table: 'inserted' })
        expect(await count(trx, 'inserted')).toBe(2_400)
        throw undo
      }),
    ).rejects.toBe(undo)
    expect(await count(ctx.db, 'inserted')).toBe(2_345)
  })

  it('loads into a table of another schema', async () => {
    await sql`create schema analytics`.execute(ctx.db)
    expect(await loadSampleData(ctx.db, { events: 50, seed: 3, table: 'analytics.data', progress: false })).toBe(50)
    expect(await count(ctx.db, 'analytics.data')).toBe(50)
    const index = await sql<{ schemaname: string; indexname: string }>`
      select schemaname, indexname from pg_indexes where tablename = 'data' and schemaname = 'analytics'
      and indexname like '%day%'`.execute(ctx.db)
    expect(index.rows).toEqual([{ schemaname: 'analytics', indexname: 'data_day_idx' }])
  })

  it('rejects a value type or batch size it cannot use, naming it', async () => {
    await expect(createEventsTable(ctx.db, { table: 'never', valueType: 'text' as 'json' })).rejects.toThrow(
      new ModelHubInputError(`events table valueType: got "text"; expected 'json' or 'jsonb'`),
    )
    await expect(loadEvents(ctx.db, [], { batchSize: 0 })).rejects.toThrow(
      new ModelHubInputError('loadEvents batchSize: got 0; expected an integer >= 1'),
    )
  })
})
