import { parseTimeFormat } from '@kysely-modelhub/core'
import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachPostgres } from '../support/engines.ts'

interface DB {
  measures: { id: number; n: number; x: number; d: string }
  moments: { id: number; m: Date; z: Date; dm: Date | null; dz: Date | null }
}

const MOMENTS = [
  new Date('2021-11-30T10:23:36.287Z'),
  // Summer time in New York, so a local-time conversion would be off by 4 hours, not 5.
  new Date('2021-07-04T02:30:00.001Z'),
  new Date('1969-07-20T20:17:40.5Z'),
]

describeEachPostgres(
  'result types',
  (ctx) => {
    const db = (): Kysely<DB> => ctx.db as Kysely<DB>

    it('runs away from UTC, so the timestamp checks below mean something', () => {
      expect(new Date(2021, 10, 30).getTimezoneOffset()).toBe(300)
    })

    it('reads a timestamp without time zone as the UTC instant it holds', async () => {
      const { rows } = await sql<{ m: Date }>`select timestamp '2021-11-30 10:23:36.287' as m`.execute(ctx.db)
      expect(rows[0]?.m).toBeInstanceOf(Date)
      expect(rows[0]?.m.toISOString()).toBe('2021-11-30T10:23:36.287Z')
    })

    it('reads count(*) as a number', async () => {
      const rows = await db()
        .selectFrom('measures')
        .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.count<number>('n').as('n')])
        .execute()
      expect(rows).toEqual([{ all: 3, n: 3 }])
      expect(typeof rows[0]?.all).toBe('number')
      const { rows: none } = await sql<{ c: number }>`select count(*) as c from measures where false`.execute(ctx.db)
      expect(none).toEqual([{ c: 0 }])
    })

    it('reads bigint values and sums of bigint and numeric as numbers', async () => {
      const rows = await db()
        .selectFrom('measures')
        .select((eb) => [
          eb.fn.sum<number>('n').as('sum_n'),
          eb.fn.sum<number>('x').as('sum_x'),
          eb.fn.avg<number>('n').as('avg_n'),
          eb.fn.max<number>('n').as('max_n'),
        ])
        .execute()
      expect(rows).toEqual([{ sum_n: 3_000_000_003, sum_x: 3.875, avg_n: 1_000_000_001, max_n: 3_000_000_000 }])
      const { rows: literals } = await sql<{
        big: number
        num: number
        neg: number
      }>`select 9007199254740991::bigint as big, 0.1::numeric + 0.2::numeric as num, -12.5::numeric as neg`.execute(
        ctx.db,
      )
      expect(literals).toEqual([{ big: 9_007_199_254_740_991, num: 0.3, neg: -12.5 }])
    })

    it("reads dates as 'YYYY-MM-DD' strings, without a time-zone shift", async () => {
      const rows = await db().selectFrom('measures').select(['id', 'd']).orderBy('id').execute()
      expect(rows).toEqual([
        { id: 1, d: '2021-11-30' },
        { id: 2, d: '1969-12-31' },
        { id: 3, d: '2024-02-29' },
      ])
    })

    it('reads jsonb and json as parsed values', async () => {
      const { rows } = await sql<{
        jb: unknown
        j: unknown
        arr: unknown
        text: unknown
        n: unknown
      }>`select '{"a": [1, {"b": null}], "s": "é \\" q", "f": 1.5}'::jsonb as jb,
                '{"nested": {"list": [true, false]}, "x": -3}'::json as j,
                '[1, "two", null]'::jsonb as arr,
                '"just text"'::jsonb as text,
                '42'::json as n`.execute(ctx.db)
      expect(rows).toEqual([
        {
          jb: { a: [1, { b: null }], s: 'é " q', f: 1.5 },
          j: { nested: { list: [true, false] }, x: -3 },
          arr: [1, 'two', null],
          text: 'just text',
          n: 42,
        },
      ])
    })

    it('reads timestamps before 1970 and with microseconds, truncated to milliseconds', async () => {
      const { rows } = await sql<{
        moon: Date
        old: Date
        last: Date
        micro: Date
        leap: Date
      }>`select timestamp '1969-07-20 20:17:40.123456' as moon,
                timestamp '1900-01-01 00:00:00' as old,
                timestamp '1969-12-31 23:59:59.999999' as last,
                timestamp '2021-11-30 10:23:36.287999' as micro,
                timestamp '2024-02-29 23:59:59.5' as leap`.execute(ctx.db)
      const row = rows[0]!
      expect(Object.values(row).every((v) => v instanceof Date)).toBe(true)
      expect(row.moon.toISOString()).toBe('1969-07-20T20:17:40.123Z')
      expect(row.old.toISOString()).toBe('1900-01-01T00:00:00.000Z')
      expect(row.last.toISOString()).toBe('1969-12-31T23:59:59.999Z')
      expect(row.last.getTime()).toBe(-1)
      expect(row.micro.toISOString()).toBe('2021-11-30T10:23:36.287Z')
      expect(row.leap.toISOString()).toBe('2024-02-29T23:59:59.500Z')
    })

    it('reads a timestamptz as the instant it denotes', async () => {
      const { rows } = await sql<{
        offset: Date
        named: Date
        summer: Date
      }>`select timestamptz '2021-11-30 10:23:36.287+01' as offset,
                timestamptz '2021-03-14 03:30:00 America/New_York' as named,
                timestamptz '2021-07-01 12:00:00.5 Europe/Amsterdam' as summer`.execute(ctx.db)
      expect(rows[0]?.offset.toISOString()).toBe('2021-11-30T09:23:36.287Z')
      expect(rows[0]?.named.toISOString()).toBe('2021-03-14T07:30:00.000Z')
      expect(rows[0]?.summer.toISOString()).toBe('2021-07-01T10:00:00.500Z')
    })

    it('stores a Date parameter in timestamp and timestamptz columns as the same instant', async () => {
      const rows = await db()
        .selectFrom('moments')
        .select(['id', 'm', 'z', sql<string>`m::text`.as('m_text'), sql<string>`z::text`.as('z_text')])
        .orderBy('id')
        .execute()
      expect(rows.map((r) => [r.m.toISOString(), r.z.toISOString()])).toEqual([
        ['2021-11-30T10:23:36.287Z', '2021-11-30T10:23:36.287Z'],
        ['2021-07-04T02:30:00.001Z', '2021-07-04T02:30:00.001Z'],
        ['1969-07-20T20:17:40.500Z', '1969-07-20T20:17:40.500Z'],
      ])
      // What the database holds: UTC wall-clock time, whatever the process time zone.
      expect(rows.map((r) => [r.m_text, r.z_text])).toEqual([
        ['2021-11-30 10:23:36.287', '2021-11-30 10:23:36.287+00'],
        ['2021-07-04 02:30:00.001', '2021-07-04 02:30:00.001+00'],
        ['1969-07-20 20:17:40.5', '1969-07-20 20:17:40.5+00'],
      ])
    })

    it('compares timestamp columns with Date parameters at the same instant', async () => {
      const at = new Date('2021-07-04T02:30:00.001Z')
      const equal = await db().selectFrom('moments').select('id').where('m', '=', at).execute()
      expect(equal).toEqual([{ id: 2 }])
      const tz = await db().selectFrom('moments').select('id').where('z', '=', at).execute()
      expect(tz).toEqual([{ id: 2 }])
      const before = await db()
        .selectFrom('moments')
        .select('id')
        .where('m', '<', new Date('2021-07-04T02:30:00.002Z'))
        .orderBy('id')
        .execute()
      expect(before).toEqual([{ id: 2 }, { id: 3 }])
      const { rows } = await sql<{
        same: boolean
        back: Date
      }>`select ${at}::timestamp = timestamp '2021-07-04 02:30:00.001' as same, ${at}::timestamp as back`.execute(
        ctx.db,
      )
      expect(rows[0]?.same).toBe(true)
      expect(rows[0]?.back.toISOString()).toBe('2021-07-04T02:30:00.001Z')
    })

    it.each([
      ['whole seconds', '2021-01-01 00:00:00', '2021-01-01 01:00:05', 3605],
      ['one millisecond', '2021-01-01 00:00:00', '2021-01-01 00:00:00.001', 0.001],
      ['milliseconds', '2021-01-01 00:00:00.250', '2021-01-01 00:00:12.595', 12.345],
      ['one microsecond', '2021-01-01 00:00:00', '2021-01-01 00:00:00.000001', 0.000001],
      ['no time', '2021-01-01 12:00:00', '2021-01-01 12:00:00', 0],
      ['an earlier end', '2021-01-01 01:00:05', '2021-01-01 00:00:00', -3605],
      ['an earlier end by a millisecond', '2021-01-01 00:00:00.001', '2021-01-01 00:00:00', -0.001],
      // Timestamps hold UTC, which has no summer time: 2 hours stay 7200 s.
      ['the New York DST change (UTC wall clock)', '2021-03-14 06:00:00', '2021-03-14 08:00:00', 7200],
      ['a month end', '2021-01-31 23:59:59', '2021-02-01 00:00:01', 2],
      ['a leap February', '2024-02-01 00:00:00', '2024-03-01 00:00:00', 29 * 86_400],
      ['a year end', '2021-12-31 23:59:59.999', '2022-01-01 00:00:00', 0.001],
      ['a leap year', '2024-01-01 00:00:00', '2025-01-01 00:00:00', 366 * 86_400],
      ['1970', '1969-12-31 23:59:59.5', '1970-01-01 00:00:00.5', 1],
    ])('gives epoch seconds between timestamps across %s', async (_, start, end, seconds) => {
      const { rows } = await sql<{ s: number }>`select ${ctx.engine.epochSecondsBetween(
        sql`${sql.lit(start)}::timestamp`,
        sql`${sql.lit(end)}::timestamp`,
      )} as s`.execute(ctx.db)
      expect(rows).toEqual([{ s: seconds }])
    })

    it('gives epoch seconds between timestamptz values across a DST change as real elapsed time', async () => {
      const between = (start: string, end: string) =>
        ctx.engine.epochSecondsBetween(sql`${sql.lit(start)}::timestamptz`, sql`${sql.lit(end)}::timestamptz`)
      const { rows } = await sql<{
        spring: number
        fall: number
        days: number
      }>`select ${between('2021-03-14 01:00:00 America/New_York', '2021-03-14 03:00:00 America/New_York')} as spring,
                ${between('2021-11-07 01:30:00-04', '2021-11-07 01:30:00-05')} as fall,
                ${between('2021-03-13 12:00:00 America/New_York', '2021-03-15 12:00:00 America/New_York')} as days`.execute(
        ctx.db,
      )
      expect(rows).toEqual([{ spring: 3600, fall: 3600, days: 2 * 86_400 - 3600 }])
    })

    it('reads timestamp and timestamptz columns as the same UTC instants in every time function, whatever the session zone', async () => {
      const e = ctx.engine
      // Each function takes the UTC wall clock of its instant: a timestamp is one, a timestamptz is converted.
      const times = (t: Expression<unknown>): RawBuilder<unknown>[] => [
        e.timeFormat(t, parseTimeFormat('%Y-%m-%d %H:%M:%S.%f')),
        e.outputDay(e.dayOf(t)),
        e.epochDay(t),
        e.outputInstant(e.truncateTime(t, 'month')),
        e.calendarUnitsBetween(t, sql`timestamptz '2022-01-01 00:00:00+00'`, 'day'),
        e.outputInstant(t),
        // Keys of the column's own type, named by a function that reads either.
        e.timeFormat(e.periodKey(t, 'day'), parseTimeFormat('%Y-%m-%d %H:%M')),
        e.timeFormat(e.periodKey(t, 'week'), parseTimeFormat('%Y-%m-%d %H:%M')),
      ]
      const rows = await ctx.db.connection().execute(async (db) => {
        await sql`set time zone 'America/New_York'`.execute(db)
        try {
          return await db
            .selectFrom('moments')
            .select((eb) => [
              ...times(eb.ref('m')).map((t, i) => t.as(`m${i}`)),
              ...times(eb.ref('z')).map((t, i) => t.as(`z${i}`)),
              // Domains over either type, and expressions rather than columns, read the same way.
              ...times(eb.ref('dm')).map((t, i) => t.as(`dm${i}`)),
              ...times(eb.ref('dz')).map((t, i) => t.as(`dz${i}`)),
              ...times(sql`${eb.ref('m')} + interval '0'`).map((t, i) => t.as(`em${i}`)),
              ...times(sql`${eb.ref('z')} + interval '0'`).map((t, i) => t.as(`ez${i}`)),
            ])
            .orderBy('id')
            .execute()
        } finally {
          await sql`reset time zone`.execute(db)
        }
      })
      const of = (rows: Record<string, unknown>[], column: string) =>
        rows.map((r) => times(sql``).map((_, i) => r[`${column}${i}`]))
      for (const column of ['z', 'dm', 'dz', 'em', 'ez']) expect(of(rows, column)).toEqual(of(rows, 'm'))
      const day = (d: Date) => d.toISOString().slice(0, 10)
      expect(of(rows, 'm')).toEqual(
        MOMENTS.map((m) => [
          `${m.toISOString().replace('T', ' ').replace('Z', '000')}`,
          day(m),
          Math.floor(m.getTime() / 86_400_000),
          new Date(`${day(m).slice(0, 7)}-01T00:00:00Z`),
          Math.round((Date.parse('2022-01-01') - Date.parse(day(m))) / 86_400_000),
          m,
          `${day(m)} 00:00`,
          `${day(new Date(Date.parse(day(m)) - ((m.getUTCDay() + 6) % 7) * 86_400_000))} 00:00`,
        ]),
      )
    })

    it('gives epoch seconds between columns in a select, NULL for a NULL end', async () => {
      const rows = await db()
        .selectFrom('moments as a')
        .leftJoin('moments as b', (join) => join.on(sql`b.id`, '=', sql`a.id + 1`))
        .select((eb) => ['a.id', ctx.engine.epochSecondsBetween(eb.ref('a.m'), eb.ref('b.m')).as('to_next')])
        .orderBy('a.id')
        .execute()
      expect(rows).toEqual([
        // 2021-11-30 10:23:36.287 → 2021-07-04 02:30:00.001
        { id: 1, to_next: -12_902_016.286 },
        // 2021-07-04 02:30:00.001 → 1969-07-20 20:17:40.5
        { id: 2, to_next: -1_639_548_739.501 },
        { id: 3, to_next: null },
      ])
    })
  },
  async (db) => {
    await db.schema
      .createTable('measures')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addColumn('x', 'numeric', (c) => c.notNull())
      .addColumn('d', 'date', (c) => c.notNull())
      .execute()
    await sql`insert into measures values (1, 1, 1.25, '2021-11-30'), (2, 2, 2.5, '1969-12-31'), (3, 3000000000, 0.125, '2024-02-29')`.execute(
      db,
    )
    await sql`create domain moment_without_zone as timestamp`.execute(db)
    await sql`create domain moment_with_zone as timestamptz`.execute(db)
    await db.schema
      .createTable('moments')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('m', 'timestamp', (c) => c.notNull())
      .addColumn('z', 'timestamptz', (c) => c.notNull())
      .addColumn('dm', sql`moment_without_zone`)
      .addColumn('dz', sql`moment_with_zone`)
      .execute()
    // Inserted as JS Dates (query parameters), read back by the tests below.
    await db
      .insertInto('moments')
      .values(MOMENTS.map((m, i) => ({ id: i + 1, m, z: m })))
      .execute()
    // PGlite would send a Date for a domain as local text; copied in SQL instead.
    await sql`update moments set dm = m, dz = z`.execute(db)
  },
)

describeEachPostgres('result types inside arrays, and array parameters', (ctx) => {
  it('parses arrays element by element, like single values', async () => {
    const { rows } = await sql<Record<string, unknown>>`select
        array[timestamp '2021-11-30 10:23:36.287', null] as moments,
        array[date '2021-11-30'] as days,
        array[1::bigint, 9007199254740991::bigint] as counts,
        array[1.5::numeric] as ratios,
        interval '1 day 02:03:04' as span`.execute(ctx.db)
    expect(rows[0]).toEqual({
      moments: [new Date('2021-11-30T10:23:36.287Z'), null],
      days: ['2021-11-30'],
      counts: [1, 9007199254740991],
      ratios: [1.5],
      span: '1 day 02:03:04',
    })
  })

  it('sends Dates inside array parameters as their UTC instant', async () => {
    const moment = new Date('2021-11-30T10:23:36.287Z')
    const { rows } = await sql<{ text: string }>`select (${[moment]}::timestamp[])[1]::text as text`.execute(ctx.db)
    expect(rows[0]?.text).toBe('2021-11-30 10:23:36.287')
  })
})
