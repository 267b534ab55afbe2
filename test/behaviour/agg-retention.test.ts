import { type CalendarUnit, ModelHubInputError, parseTimeFormat } from '@kysely-modelhub/core'
import { ModelHub, type RetentionRow, toMatrix } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { dataTable, eventId, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { CALENDAR_DATA } from '../fixtures/session-calendar-data.ts'
import { describeEachEngine } from '../support/engines.ts'

/** The error a call throws, to assert its class and its whole message. */
function thrown(call: () => unknown): Error {
  try {
    call()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to throw')
}

const row = (first_cohort: string, period: number, value: number): RetentionRow => ({ first_cohort, period, value })

describeEachEngine(
  'agg.retentionMatrix',
  (ctx) => {
    const hub = (table?: string) => new ModelHub(ctx.db, { engine: ctx.engine, ...(table ? { table } : {}) })
    const rows = (q: ReturnType<ModelHub<any>['agg']['retentionMatrix']>) =>
      q.orderBy('first_cohort').orderBy('period').execute()

    it('counts users per cohort and period (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      const yearly = [row('2021', 0, 4)]
      expect(await rows(h.agg.retentionMatrix(h.events(), { timePeriod: 'yearly', eventType: 'ClickEvent' }))).toEqual(
        yearly,
      )
      expect(await rows(h.agg.retentionMatrix(h.events(), { timePeriod: 'yearly' }))).toEqual(yearly)

      const monthly = [row('2021-11', 0, 2), row('2021-11', 1, 1), row('2021-12', 0, 2)]
      expect(await rows(h.agg.retentionMatrix(h.events(), { timePeriod: 'monthly' }))).toEqual(monthly)
      expect(await rows(h.agg.retentionMatrix(h.events()))).toEqual(monthly) // monthly is the default
      expect(toMatrix(monthly)).toEqual([
        { first_cohort: '2021-11', _0: 2, _1: 1 },
        { first_cohort: '2021-12', _0: 2, _1: null },
      ])

      // 2021-11-29 is a Monday and every event falls in its week.
      expect(await rows(h.agg.retentionMatrix(h.events(), { timePeriod: 'weekly' }))).toEqual([row('2021-11-29', 0, 4)])

      expect(await rows(h.agg.retentionMatrix(h.events(), { timePeriod: 'daily' }))).toEqual([
        row('2021-11-29', 0, 1),
        row('2021-11-29', 1, 1),
        row('2021-11-30', 0, 1),
        row('2021-11-30', 1, 1),
        row('2021-12-02', 0, 1),
        row('2021-12-03', 0, 1),
      ])
    })

    it('gives percentages of each cohort (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      const percentages = await rows(h.agg.retentionMatrix(h.events(), { percentage: true }))
      expect(percentages).toEqual([row('2021-11', 0, 100), row('2021-11', 1, 50), row('2021-12', 0, 100)])
      expect(toMatrix(percentages)).toEqual([
        { first_cohort: '2021-11', _0: 100, _1: 50 },
        { first_cohort: '2021-12', _0: 100, _1: null },
      ])
      const thirds = await rows(
        hub('calendar').agg.retentionMatrix(hub('calendar').events(), { timePeriod: 'weekly', percentage: true }),
      )
      expect(thirds).toEqual([row('2021-12-27', 0, 100), row('2022-01-03', 0, 100), row('2022-01-03', 1, 50)])
    })

    it('selects cohorts from startDate and activity up to endDate, both inclusive (docs/semantics.md §S7.4, §S4.3)', async () => {
      const h = hub()
      const daily = { timePeriod: 'daily' } as const
      expect(await rows(h.agg.retentionMatrix(h.events(), { ...daily, startDate: '2021-11-30' }))).toEqual([
        row('2021-11-30', 0, 1),
        row('2021-11-30', 1, 1),
        row('2021-12-02', 0, 1),
        row('2021-12-03', 0, 1),
      ])
      // Objectiv's end_date was exclusive: its end_date='2021-12-02' is endDate '2021-12-01' here.
      expect(await rows(h.agg.retentionMatrix(h.events(), { ...daily, endDate: '2021-12-01' }))).toEqual([
        row('2021-11-29', 0, 1),
        row('2021-11-29', 1, 1),
        row('2021-11-30', 0, 1),
        row('2021-11-30', 1, 1),
      ])
      expect(
        await rows(h.agg.retentionMatrix(h.events(), { ...daily, startDate: '2021-11-30', endDate: '2021-12-01' })),
      ).toEqual([row('2021-11-30', 0, 1), row('2021-11-30', 1, 1)])
      // One day in both: only the cohort of that day, only its activity that day.
      expect(
        await rows(h.agg.retentionMatrix(h.events(), { ...daily, startDate: '2021-12-02', endDate: '2021-12-02' })),
      ).toEqual([row('2021-12-02', 0, 1)])

      // Inclusive to the end of the day: user 7's Sunday 23:00 counts, its Monday 00:30 does not.
      const c = hub('calendar')
      expect(await rows(c.agg.retentionMatrix(c.events(), { ...daily, endDate: '2022-01-09' }))).toEqual([
        row('2021-12-31', 0, 1),
        row('2021-12-31', 1, 1),
        row('2022-01-03', 0, 1),
        row('2022-01-03', 1, 1),
        row('2022-01-03', 6, 1),
        row('2022-01-04', 0, 1),
        row('2022-01-04', 2, 1),
      ])
      // startDate selects cohorts: user 7 was active on 01-04 but started on 01-03, so it is left out.
      expect(await rows(c.agg.retentionMatrix(c.events(), { ...daily, startDate: '2022-01-04' }))).toEqual([
        row('2022-01-04', 0, 1),
        row('2022-01-04', 2, 1),
      ])
    })

    it('counts calendar periods in UTC: days, Monday weeks, months, years (docs/semantics.md §S4.3)', async () => {
      const c = hub('calendar')
      // User 7: 22:00 then 01:00 is the next calendar day (Objectiv's 24 h periods said 0); user 8:
      // 47 h later is two days on (Objectiv: 1).
      const daily = await rows(c.agg.retentionMatrix(c.events(), { timePeriod: 'daily' }))
      expect(daily).toEqual([
        row('2021-12-31', 0, 1),
        row('2021-12-31', 1, 1),
        row('2022-01-03', 0, 1),
        row('2022-01-03', 1, 1),
        row('2022-01-03', 6, 1),
        row('2022-01-03', 7, 1),
        row('2022-01-04', 0, 1),
        row('2022-01-04', 2, 1),
      ])
      expect(toMatrix(daily)).toEqual([
        { first_cohort: '2021-12-31', _0: 1, _1: 1, _2: null, _3: null, _4: null, _5: null, _6: null, _7: null },
        { first_cohort: '2022-01-03', _0: 1, _1: 1, _2: null, _3: null, _4: null, _5: null, _6: 1, _7: 1 },
        { first_cohort: '2022-01-04', _0: 1, _1: null, _2: 1, _3: null, _4: null, _5: null, _6: null, _7: null },
      ])
      // Weeks start on Monday: Friday 12-31 is in the week of 12-27, Tuesday 01-04 in that of 01-03;
      // Sunday 01-09 is still week 0 of user 7, Monday 01-10 week 1.
      expect(await rows(c.agg.retentionMatrix(c.events(), { timePeriod: 'weekly' }))).toEqual([
        row('2021-12-27', 0, 1),
        row('2022-01-03', 0, 2),
        row('2022-01-03', 1, 1),
      ])
      expect(await rows(c.agg.retentionMatrix(c.events(), { timePeriod: 'monthly' }))).toEqual([
        row('2021-12', 0, 1),
        row('2021-12', 1, 1),
        row('2022-01', 0, 2),
      ])
      expect(await rows(c.agg.retentionMatrix(c.events(), { timePeriod: 'yearly' }))).toEqual([
        row('2021', 0, 1),
        row('2021', 1, 1),
        row('2022', 0, 2),
      ])
    })

    it('takes the cohort from the first event of eventType, and leaves anonymous users out', async () => {
      const h = hub()
      expect(await rows(h.agg.retentionMatrix(h.events(), { eventType: 'some_event' }))).toEqual([])
      expect(toMatrix([])).toEqual([])
      const c = hub('calendar')
      // Only user 7's 01:00 and 23:00 events and user 8's first are PressEvents here: cohorts move.
      const presses = c
        .events()
        .select((eb) =>
          eb
            .case()
            .when('event_id', 'in', [412, 413, 415].map(eventId))
            .then('PressEvent')
            .else('ClickEvent')
            .end()
            .as('press_type'),
        )
      const relabelled = c.db
        .selectFrom(presses.as('e'))
        .select(['e.user_id', 'e.moment', 'e.press_type as event_type'])
      expect(await rows(c.agg.retentionMatrix(relabelled, { timePeriod: 'daily', eventType: 'PressEvent' }))).toEqual([
        row('2022-01-04', 0, 2),
        row('2022-01-04', 5, 1),
      ])

      // With email identities users 1 and 4 become NULL: only fake2 (2021-11) and fake3 (2021-12) remain.
      const identified = new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'email' })
      expect(await rows(identified.agg.retentionMatrix(identified.events()))).toEqual([
        row('2021-11', 0, 1),
        row('2021-12', 0, 1),
      ])
      // A filtered result is an ordinary query.
      expect(
        await h.agg
          .retentionMatrix(h.events(), { timePeriod: 'daily' })
          .where('period', '>', 0)
          .orderBy('first_cohort')
          .execute(),
      ).toEqual([row('2021-11-29', 1, 1), row('2021-11-30', 1, 1)])
    })

    it('checks its options with exact messages', () => {
      const h = hub()
      const date = "expected a calendar date written 'YYYY-MM-DD', e.g. '2022-03-01'"
      const cases: [() => unknown, string][] = [
        [
          () => h.agg.retentionMatrix(h.events(), { timePeriod: 'biweekly' as never }),
          'timePeriod: got "biweekly"; expected one of "daily", "weekly", "monthly", "yearly"',
        ],
        [() => h.agg.retentionMatrix(h.events(), { startDate: '2021-11' }), `startDate: got "2021-11"; ${date}`],
        [() => h.agg.retentionMatrix(h.events(), { endDate: '2021-11' }), `endDate: got "2021-11"; ${date}`],
        [() => h.agg.retentionMatrix(h.events(), { endDate: '2021-02-30' }), `endDate: got "2021-02-30"; ${date}`],
        [
          () => h.agg.retentionMatrix(h.events(), { startDate: '2021-11-30', endDate: '2021-11-29' }),
          'endDate: got "2021-11-29"; it is before startDate 2021-11-30; both are inclusive, so use endDate >= startDate',
        ],
        [
          () => h.agg.retentionMatrix(h.events(), { eventType: 42 as never }),
          'eventType: got 42; expected an event type such as "PressEvent"',
        ],
        [
          () => h.agg.retentionMatrix(h.events(), { percentage: 'yes' as never }),
          'percentage: got "yes"; expected true or false',
        ],
        [
          () => h.agg.retentionMatrix(h.events(), { mode: 'cohort' as never }),
          'mode: got "cohort"; expected one of "first_time", "recurring"',
        ],
        [
          () => h.agg.retentionMatrix(h.events(), { periods: 'rolling' as never }),
          'periods: got "rolling"; expected one of "calendar", "elapsed"',
        ],
        [
          () => h.agg.retentionMatrix(h.events(), { returnEventType: 42 as never }),
          'returnEventType: got 42; expected an event type such as "PressEvent", or null for any event',
        ],
      ]
      for (const [call, message] of cases) {
        const error = thrown(call)
        expect(error).toBeInstanceOf(ModelHubInputError)
        expect(error.message).toBe(message)
      }
    })

    it('truncates to and counts calendar units through the engine', async () => {
      const at = (text: string) => sql`cast(${text} as timestamp)`
      const units: CalendarUnit[] = ['day', 'week', 'month', 'year']
      const start = at('2021-12-31 23:00:00')
      const end = at('2022-01-03 00:30:00') // a Monday
      const {
        rows: [result],
      } = await sql<Record<string, unknown>>`select ${sql.join(
        units.flatMap((unit) => [
          sql`${ctx.engine.truncateTime(start, unit)} as ${sql.id(`trunc_${unit}`)}`,
          sql`${ctx.engine.calendarUnitsBetween(start, end, unit)} as ${sql.id(`between_${unit}`)}`,
          sql`${ctx.engine.calendarUnitsBetween(end, start, unit)} as ${sql.id(`back_${unit}`)}`,
        ]),
      )}, ${ctx.engine.epochSecondsBetween(start, end)} as ${sql.id('seconds')}, ${ctx.engine.epochSecondsBetween(
        end,
        at('2022-01-03 00:29:59.000250'),
      )} as ${sql.id('back_seconds')}`.execute(ctx.db)
      expect(result).toEqual({
        trunc_day: new Date('2021-12-31T00:00:00Z'),
        between_day: 3,
        back_day: -3,
        trunc_week: new Date('2021-12-27T00:00:00Z'),
        between_week: 1,
        back_week: -1,
        trunc_month: new Date('2021-12-01T00:00:00Z'),
        between_month: 1,
        back_month: -1,
        trunc_year: new Date('2021-01-01T00:00:00Z'),
        between_year: 1,
        back_year: -1,
        seconds: 2 * 86400 + 5400,
        back_seconds: -0.99975,
      })
      const error = thrown(() => ctx.engine.truncateTime(start, 'fortnight' as never))
      expect(error).toBeInstanceOf(ModelHubInputError)
      expect(error.message).toBe('calendar unit: got "fortnight"; expected one of day, week, month, year')
    })

    it('counts calendar units between period starts through the engine, as between the moments in them', async () => {
      const at = (text: string) => sql`cast(${text} as timestamp)`
      const units: CalendarUnit[] = ['day', 'week', 'month', 'year']
      const moments = ['1969-12-29 13:00:00', '2021-12-31 23:00:00', '2022-01-03 00:30:00', '2024-02-29 12:00:00']
      const pairs = moments.flatMap((a) => moments.map((b) => [a, b] as const))
      const selections = units.flatMap((unit) =>
        pairs.flatMap(([a, b], i) => [
          sql`${ctx.engine.calendarUnitsBetween(at(a), at(b), unit)} as ${sql.id(`moments_${unit}_${i}`)}`,
          sql`${ctx.engine.startsBetween(
            ctx.engine.truncateTime(at(a), unit),
            ctx.engine.truncateTime(at(b), unit),
            unit,
          )} as ${sql.id(`starts_${unit}_${i}`)}`,
        ]),
      )
      const {
        rows: [row],
      } = await sql<Record<string, number>>`select ${sql.join(selections)}`.execute(ctx.db)
      const of = (kind: string) => units.map((unit) => pairs.map((_, i) => Number(row?.[`${kind}_${unit}_${i}`])))
      expect(of('starts')).toEqual(of('moments'))
      // 2021-12-31 → 2022-01-03: 3 days, 1 week (a Monday), 1 month, 1 year; and back.
      expect(units.map((unit) => row?.[`starts_${unit}_${1 * moments.length + 2}`])).toEqual([3, 1, 1, 1])
      expect(units.map((unit) => row?.[`starts_${unit}_${2 * moments.length + 1}`])).toEqual([-3, -1, -1, -1])
    })

    it('names periods by keys that group and order moments as their period starts do', async () => {
      const at = (text: string) => sql`cast(${text} as timestamp)`
      const units: CalendarUnit[] = ['day', 'week', 'month', 'year']
      // Before 1970 too, and a Sunday night beside the next Monday's first minute.
      const moments = ['1969-12-28 23:59:59', '1969-12-29 00:00:00', '2022-01-02 23:59:59', '2022-01-03 00:00:00']
      const format = parseTimeFormat('%Y-%m-%d %H:%M:%S')
      const pairs = moments.flatMap((a, i) => moments.map((b, j) => [a, b, `${i}_${j}`] as const))
      const selections = units.flatMap((unit) => {
        const key = (t: string) => ctx.engine.periodKey(at(t), unit)
        const start = (t: string) => ctx.engine.truncateTime(at(t), unit)
        return [
          ...moments.map((m, i) => sql`${ctx.engine.timeFormat(key(m), format)} as ${sql.id(`named_${unit}_${i}`)}`),
          ...moments.map((m, i) => sql`${ctx.engine.timeFormat(start(m), format)} as ${sql.id(`start_${unit}_${i}`)}`),
          ...pairs.flatMap(([a, b, ij]) => [
            sql`case when ${key(a)} = ${key(b)} then 0 when ${key(a)} < ${key(b)} then -1 else 1 end as ${sql.id(`keys_${unit}_${ij}`)}`,
            sql`case when ${start(a)} = ${start(b)} then 0 when ${start(a)} < ${start(b)} then -1 else 1 end as ${sql.id(`starts_${unit}_${ij}`)}`,
          ]),
        ]
      })
      const {
        rows: [row],
      } = await sql<Record<string, unknown>>`select ${sql.join(selections)}`.execute(ctx.db)
      const of = (prefix: string) =>
        Object.entries(row ?? {})
          .filter(([name]) => name.startsWith(prefix))
          .map(([name, value]) => [name.slice(prefix.length), Number.isFinite(Number(value)) ? Number(value) : value])
      for (const [named, start] of [
        ['named_', 'start_'],
        ['keys_', 'starts_'],
      ] as const) {
        expect(of(named)).toEqual(of(start))
      }
      expect(row?.named_week_0).toBe('1969-12-22 00:00:00')
      expect(row?.named_week_1).toBe('1969-12-29 00:00:00')
      expect(row?.keys_day_2_3).toBe(-1)
    })

    it('lists the period starts between two starts through the engine, both included', async () => {
      const at = (text: string) => ctx.engine.truncateTime(sql`cast(${text} as timestamp)`, 'day')
      const starts = async (first: string, last: string, unit: CalendarUnit) => {
        const series = ctx.engine.periodStarts(at(first), at(last), unit).as('period_start')
        const { rows } = await sql<{
          period_start: Date
        }>`select period_start from ${series} order by period_start`.execute(ctx.db)
        return rows.map((row) => row.period_start.toISOString().slice(0, 10))
      }
      expect(await starts('2021-12-30', '2022-01-02', 'day')).toEqual([
        '2021-12-30',
        '2021-12-31',
        '2022-01-01',
        '2022-01-02',
      ])
      expect(await starts('2021-12-27', '2022-01-10', 'week')).toEqual(['2021-12-27', '2022-01-03', '2022-01-10'])
      expect(await starts('2021-11-01', '2022-02-01', 'month')).toEqual([
        '2021-11-01',
        '2021-12-01',
        '2022-01-01',
        '2022-02-01',
      ])
      expect(await starts('2022-03-01', '2022-03-01', 'month')).toEqual(['2022-03-01'])
      expect(await starts('2021-01-01', '2022-01-01', 'year')).toEqual(['2021-01-01', '2022-01-01'])
    })
  },
  { data: dataTable(OBJECTIV_DATA), calendar: dataTable(CALENDAR_DATA) },
)

describe('toMatrix', () => {
  it('pivots long rows into sorted cohorts with _0 … _last, null where no users', () => {
    expect(toMatrix([row('2021-12', 0, 2), row('2021-11', 2, 1), row('2021-11', 0, 3)])).toEqual([
      { first_cohort: '2021-11', _0: 3, _1: null, _2: 1 },
      { first_cohort: '2021-12', _0: 2, _1: null, _2: null },
    ])
  })

  it('refuses rows it cannot place', () => {
    expect(thrown(() => toMatrix([row('2021', -1, 1)])).message).toBe(
      'toMatrix row: got {"first_cohort":"2021","period":-1,"value":1}; expected { first_cohort: string, period: a whole number >= 0, value: number }',
    )
    expect(thrown(() => toMatrix([row('2021', 0, 1), row('2021', 0, 2)])).message).toBe(
      'toMatrix row: got {"first_cohort":"2021","period":0,"value":2}; cohort "2021" has period 0 twice',
    )
  })
})
