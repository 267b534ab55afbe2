import { ModelHubInputError, parseTimeFormat } from '@kysely-modelhub/core'
import { ModelHub, ModelHubOptionError } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { dataTable, userId } from '../fixtures/objectiv-data.ts'
import { TIME_ZONE_DATA, tzEvent } from '../fixtures/time-zone-data.ts'
import { describeEachEngine, itOnPostgres } from '../support/engines.ts'

/** The events' numbers in TIME_ZONE_DATA (see there for each one's local times). */
const numbered = (rows: readonly { event_id: string }[]) =>
  rows.map((r) => TIME_ZONE_DATA.findIndex((e) => e.event_id === r.event_id) + 1)

/** Time zones (docs/semantics.md §S1.2): calendar buckets, windows and periods follow the zone; sessions do not. */
describeEachEngine(
  'time zones',
  (ctx) => {
    const hub = (timeZone?: string) => new ModelHub(ctx.db, { engine: ctx.engine, ...(timeZone ? { timeZone } : {}) })
    const amsterdam = () => hub('Europe/Amsterdam')
    const ofUsers = (h: ModelHub<any>, ...users: number[]) =>
      h.events().where(
        'user_id',
        'in',
        users.map((u) => userId(u)),
      )

    it('engine.localTime gives the wall clock, across daylight-saving changes and half-hour offsets', async () => {
      const e = ctx.engine
      const cases: [string, string, string][] = [
        ['2021-03-28 00:59:00', 'Europe/Amsterdam', '2021-03-28 01:59'],
        ['2021-03-28 01:00:00', 'Europe/Amsterdam', '2021-03-28 03:00'],
        ['2021-10-31 00:59:00', 'Europe/Amsterdam', '2021-10-31 02:59'],
        ['2021-10-31 01:00:00', 'Europe/Amsterdam', '2021-10-31 02:00'],
        ['2021-03-14 09:59:00', 'America/Los_Angeles', '2021-03-14 01:59'],
        ['2021-03-14 10:00:00', 'America/Los_Angeles', '2021-03-14 03:00'],
        ['2021-03-01 18:29:00', 'Asia/Kolkata', '2021-03-01 23:59'],
        ['2021-03-01 18:30:00', 'Asia/Kolkata', '2021-03-02 00:00'],
        ['2021-03-01 18:30:00', 'UTC', '2021-03-01 18:30'],
      ]
      const format = parseTimeFormat('%Y-%m-%d %H:%M')
      const selections = cases.map(
        ([instant, zone], i) =>
          sql`${e.timeFormat(e.localTime(sql`timestamp ${sql.lit(instant)}`, zone), format)} as ${sql.id(`c${i}`)}`,
      )
      const { rows } = await sql<Record<string, string>>`select ${sql.join(selections)}`.execute(ctx.db)
      expect(Object.values(rows[0] ?? {})).toEqual(cases.map(([, , local]) => local))
    })

    itOnPostgres(ctx, 'engine.localTime reads a timestamptz as its instant, whatever the session zone', async () => {
      const e = ctx.engine
      const instant = sql`timestamptz '2021-10-31 03:00:00+02'` // 01:00Z: 02:00 CET, the second 02:00
      const local = e.timeFormat(e.localTime(instant, 'Europe/Amsterdam'), parseTimeFormat('%Y-%m-%d %H:%M'))
      const rows = await ctx.db.connection().execute(async (db) => {
        await sql`set time zone 'Pacific/Auckland'`.execute(db)
        const result = await sql<{ local: string }>`select ${local} as local`.execute(db)
        await sql`reset time zone`.execute(db)
        return result.rows
      })
      expect(rows).toEqual([{ local: '2021-10-31 02:00' }])
    })

    it('buckets each event by its local day and time (timeAgg with the hub zone and per call)', async () => {
      const h = amsterdam()
      const local = async (timeZone?: string) => {
        const q = h.map.timeAgg(h.events(), { timeAggregation: '%Y-%m-%d %H:%M', ...(timeZone ? { timeZone } : {}) })
        const rows = await q.select(['event_id', 'time_aggregation']).orderBy('moment').execute()
        return Object.fromEntries(rows.map((r) => [numbered([r])[0], r.time_aggregation]))
      }
      const inAmsterdam = await local()
      expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17].map((n) => inAmsterdam[n])).toEqual([
        '2021-03-28 00:30',
        '2021-03-28 01:50',
        '2021-03-28 03:10',
        '2021-03-28 23:59',
        '2021-03-29 00:30',
        '2021-10-31 00:00',
        '2021-10-31 02:50',
        '2021-10-31 02:10',
        '2021-10-31 23:59',
        '2021-11-01 00:00',
        '2021-03-31 23:00',
      ])
      const inLosAngeles = await local('America/Los_Angeles')
      expect([11, 12, 13, 14].map((n) => inLosAngeles[n])).toEqual([
        '2021-03-13 23:59',
        '2021-03-14 00:00',
        '2021-03-14 23:59',
        '2021-03-15 00:00',
      ])
      const inKolkata = await local('Asia/Kolkata')
      expect([15, 16, 17].map((n) => inKolkata[n])).toEqual([
        '2021-03-31 23:59',
        '2021-04-01 00:00',
        '2021-04-01 02:30',
      ])
      expect((await local('UTC'))[10]).toBe('2021-10-31 23:00')
    })

    it('groups aggregations by local days (the default bucket), ISO weeks and months', async () => {
      const daily = async (h: ModelHub<any>) =>
        (await h.agg.uniqueUsers(h.events()).orderBy('time_aggregation').execute()).map(
          (r) => `${r.time_aggregation}: ${r.unique_users}`,
        )
      expect(await daily(amsterdam())).toEqual([
        '2021-03-14: 1',
        '2021-03-15: 1',
        '2021-03-28: 3',
        '2021-03-29: 1',
        '2021-03-31: 2',
        '2021-10-31: 3',
        '2021-11-01: 1',
      ])
      expect(await daily(hub())).toEqual([
        '2021-03-14: 1',
        '2021-03-15: 1',
        '2021-03-27: 1',
        '2021-03-28: 3',
        '2021-03-31: 2',
        '2021-10-30: 1',
        '2021-10-31: 2',
      ])
      const h = hub()
      const grouped = async (timeAggregation: string, timeZone: string) =>
        (
          await h.agg
            .uniqueUsers(h.events(), { groupBy: { timeAggregation, timeZone } })
            .orderBy('time_aggregation')
            .execute()
        ).map((r) => `${r.time_aggregation}: ${r.unique_users}`)
      expect(await grouped('%Y-%m', 'Asia/Kolkata')).toEqual(['2021-03: 5', '2021-04: 2', '2021-10: 2', '2021-11: 1'])
      expect(await grouped('%Y-%m', 'Europe/Amsterdam')).toEqual(['2021-03: 6', '2021-10: 3', '2021-11: 1'])
      // Event 4 is Sunday 23:59 and event 5 Monday 00:30 in Amsterdam: two ISO weeks (one in UTC).
      const weeks = await h.agg
        .uniqueUsers(ofUsers(h, 1, 2), { groupBy: { timeAggregation: '%G-W%V', timeZone: 'Europe/Amsterdam' } })
        .orderBy('time_aggregation')
        .execute()
      expect(weeks).toEqual([
        { time_aggregation: '2021-W12', unique_users: 2 },
        { time_aggregation: '2021-W13', unique_users: 1 },
        { time_aggregation: '2021-W43', unique_users: 1 },
      ])
    })

    it('events({ startDate, endDate }) keeps local days, though `day` stays the stored UTC day', async () => {
      const window = async (h: ModelHub<any>, day: string) =>
        numbered(await h.events({ startDate: day, endDate: day }).orderBy('moment').execute())
      expect(await window(amsterdam(), '2021-10-31')).toEqual([6, 7, 8, 9])
      expect(await window(hub(), '2021-10-31')).toEqual([7, 8, 9, 10])
      expect(await window(amsterdam(), '2021-03-28')).toEqual([1, 2, 3, 4])
      expect(await window(hub('America/Los_Angeles'), '2021-03-14')).toEqual([12, 13])
      expect(await window(hub('Asia/Kolkata'), '2021-04-01')).toEqual([16, 17])
      const h = amsterdam()
      const [first] = await h.events({ startDate: '2021-10-31', endDate: '2021-10-31' }).orderBy('moment').execute()
      expect(first?.day).toBe('2021-10-30')
    })

    it('counts retention cohorts and periods on local calendars (hub zone and per call)', async () => {
      const rows = (h: ModelHub<any>, users: number[], options: object) =>
        h.agg
          .retentionMatrix(ofUsers(h, ...users), options)
          .orderBy('first_cohort')
          .orderBy('period')
          .execute()
      // User 3: Sunday 23:59 and Monday 00:00 in Amsterdam, one minute apart, both Sunday in UTC.
      expect(await rows(amsterdam(), [3], { timePeriod: 'daily' })).toEqual([
        { first_cohort: '2021-10-31', period: 0, value: 1 },
        { first_cohort: '2021-10-31', period: 1, value: 1 },
      ])
      expect(await rows(hub(), [3], { timePeriod: 'daily' })).toEqual([
        { first_cohort: '2021-10-31', period: 0, value: 1 },
      ])
      expect(await rows(hub(), [3], { timePeriod: 'monthly', timeZone: 'Europe/Amsterdam' })).toEqual([
        { first_cohort: '2021-10', period: 0, value: 1 },
        { first_cohort: '2021-10', period: 1, value: 1 },
      ])
      // User 1: Sunday and Monday in Amsterdam (weeks of 03-22 and 03-29), Saturday and Sunday in UTC.
      expect(await rows(amsterdam(), [1], { timePeriod: 'weekly' })).toEqual([
        { first_cohort: '2021-03-22', period: 0, value: 1 },
        { first_cohort: '2021-03-22', period: 1, value: 1 },
      ])
      expect(await rows(hub(), [1], { timePeriod: 'weekly' })).toEqual([
        { first_cohort: '2021-03-22', period: 0, value: 1 },
      ])
      // endDate is a local day too: Monday 00:00 in Amsterdam is after it.
      expect(await rows(amsterdam(), [3], { timePeriod: 'daily', endDate: '2021-10-31' })).toEqual([
        { first_cohort: '2021-10-31', period: 0, value: 1 },
      ])
      expect(await rows(amsterdam(), [1], { timePeriod: 'daily', startDate: '2021-03-28' })).toEqual([
        { first_cohort: '2021-03-28', period: 0, value: 1 },
        { first_cohort: '2021-03-28', period: 1, value: 1 },
      ])
    })

    it('labels lifecycle periods and counts stickiness intervals on local calendars', async () => {
      // Rows run to the last period with activity (§S8): only the local calendar has a second one here.
      const lifecycle = async (h: ModelHub<any>, users: number[], options: object) =>
        (
          await h.agg
            .lifecycle(ofUsers(h, ...users), options)
            .orderBy('period')
            .orderBy('status')
            .execute()
        )
          .filter((r) => r.users > 0)
          .map((r) => `${r.period} ${r.status} ${r.users}`)
      expect(await lifecycle(amsterdam(), [3], { period: 'daily' })).toEqual([
        '2021-10-31 new 1',
        '2021-11-01 returning 1',
      ])
      expect(await lifecycle(hub(), [3], { period: 'daily' })).toEqual(['2021-10-31 new 1'])
      expect(await lifecycle(hub(), [1], { period: 'weekly', timeZone: 'Europe/Amsterdam' })).toEqual([
        '2021-03-22 new 1',
        '2021-03-29 returning 1',
      ])
      expect(await lifecycle(hub(), [1], { period: 'weekly' })).toEqual(['2021-03-22 new 1'])

      const stickiness = (h: ModelHub<any>, interval: 'day' | 'week', timeZone?: string) =>
        h.agg
          .stickiness(ofUsers(h, 1, 3), { interval, ...(timeZone ? { timeZone } : {}) })
          .orderBy('intervals_active')
          .execute()
      expect(await stickiness(amsterdam(), 'day')).toEqual([{ intervals_active: 2, users: 2 }])
      expect(await stickiness(hub(), 'day')).toEqual([
        { intervals_active: 1, users: 1 },
        { intervals_active: 2, users: 1 },
      ])
      expect(await stickiness(hub(), 'week', 'Europe/Amsterdam')).toEqual([{ intervals_active: 2, users: 2 }])
      expect(await stickiness(hub(), 'week')).toEqual([{ intervals_active: 1, users: 2 }])
    })

    it('isNewUser buckets by local day: a second session after local midnight is not new', async () => {
      const flags = async (timeZone?: string) => {
        const h = hub()
        const q = h.map.isNewUser(ofUsers(h, 6), timeZone ? { timeZone } : {})
        return (await q.select(['event_id', 'is_new_user']).orderBy('moment').execute()).map((r) => r.is_new_user)
      }
      expect(await flags()).toEqual([true, true])
      expect(await flags('Asia/Kolkata')).toEqual([true, false])
    })

    it('keeps sessions: a gap is a duration, whatever the wall clock does at a daylight-saving change', async () => {
      const sessions = async (h: ModelHub<any>) =>
        (await h.events().orderBy('moment').execute()).map((r) => [r.session_id, r.session_hit_number])
      const inUtc = await sessions(hub())
      expect(await sessions(amsterdam())).toEqual(inUtc)
      const [two, three, seven, eight] = [2, 3, 7, 8].map((n) => {
        const order = [...TIME_ZONE_DATA].sort((a, b) => a.moment.localeCompare(b.moment))
        return inUtc[order.findIndex((e) => e.event_id === tzEvent(n))]
      })
      expect([two?.[0] === three?.[0], three?.[1], seven?.[0] === eight?.[0], eight?.[1]]).toEqual([true, 2, true, 2])
    })

    it('refuses a name that is not an IANA time zone, saying how to find valid ones', () => {
      expect(() => hub('Mars/Olympus')).toThrow(ModelHubOptionError)
      expect(() => hub('CET')).toThrow(
        `Invalid model hub options: option "timeZone": got "CET"; not an IANA time zone name; expected an IANA time zone name such as 'UTC', 'Europe/Amsterdam', 'America/Los_Angeles' or 'Asia/Kolkata' (the tz database's Area/Location names; list them with Intl.supportedValuesOf('timeZone') or see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)`,
      )
      expect(hub('utc').settings.timeZone).toBe('UTC')
      expect(hub('europe/amsterdam').settings.timeZone).toBe('Europe/Amsterdam')
      const h = hub()
      expect(() => h.map.timeAgg(h.events(), { timeZone: '+01:00' })).toThrow(
        /^hub\.map\.timeAgg option "timeZone": got "\+01:00"; not an IANA time zone name; expected an IANA/,
      )
      expect(() => h.agg.retentionMatrix(h.events(), { timeZone: 'Amsterdam' })).toThrow(ModelHubInputError)
      expect(() => h.agg.lifecycle(h.events(), { timeZone: 'Nowhere/Land' })).toThrow(
        /^timeZone: got "Nowhere\/Land"; not an IANA time zone name/,
      )
      expect(() => h.agg.stickiness(h.events(), { interval: 'day', timeZone: '' })).toThrow(ModelHubInputError)
      expect(() => h.agg.uniqueUsers(h.events(), { groupBy: { timeAggregation: '%Y', timeZone: 'EST' } })).toThrow(
        /^groupBy timeZone: got "EST"; not an IANA time zone name/,
      )
      expect(() => ctx.engine.localTime(sql`x`, "Europe/Amsterdam'; drop table data; --")).toThrow(ModelHubInputError)
    })
  },
  { data: dataTable(TIME_ZONE_DATA) },
)
