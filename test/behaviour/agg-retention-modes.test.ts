import { ModelHub, type RetentionMatrixOptions, type RetentionRow } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { CALENDAR_DATA, RETURNING_DATA } from '../fixtures/session-calendar-data.ts'
import { describeEachEngine } from '../support/engines.ts'

// retentionMatrix's mode, periods and returnEventType (docs/semantics.md §S4.3.1–§S4.3.3) on hand-made
// events whose every value is worked out in the fixture's comments.

const row = (first_cohort: string, period: number, value: number): RetentionRow => ({ first_cohort, period, value })

/** A cohort's cells from its values per period: cohort('03-02', { 0: 2, 1: 2 }). */
const cohort = (first_cohort: string, values: Record<number, number>): RetentionRow[] =>
  Object.entries(values).map(([period, value]) => row(first_cohort, Number(period), value))

describeEachEngine(
  'agg.retentionMatrix modes, periods and return events',
  (ctx) => {
    const matrix = (table: string, options: RetentionMatrixOptions) => {
      const hub = new ModelHub(ctx.db, { engine: ctx.engine, table })
      return hub.agg.retentionMatrix(hub.events(), options).orderBy('first_cohort').orderBy('period').execute()
    }

    it('counts elapsed periods from the first event: 23:00 → 01:00 the next day is period 0 (§S4.3.2)', async () => {
      // User 9: 12-31 23:00 → 01-01 01:00; user 7: 3 h, 6 d 1 h and 6 d 2.5 h after 01-03 22:00; user 8: 47 h.
      expect(await matrix('calendar', { timePeriod: 'daily', periods: 'elapsed' })).toEqual([
        ...cohort('2021-12-31', { 0: 1 }),
        ...cohort('2022-01-03', { 0: 1, 6: 1 }),
        ...cohort('2022-01-04', { 0: 1, 1: 1 }),
      ])
      // Calendar days for the same events: 1 day after 23:00 is 01:00, two days after 10:00 is 09:00.
      expect(await matrix('calendar', { timePeriod: 'daily', periods: 'calendar' })).toEqual([
        ...cohort('2021-12-31', { 0: 1, 1: 1 }),
        ...cohort('2022-01-03', { 0: 1, 1: 1, 6: 1, 7: 1 }),
        ...cohort('2022-01-04', { 0: 1, 2: 1 }),
      ])
      // Sunday 23:00 → Monday 00:30 is a new calendar week but still the first 7 days; cohorts stay calendar weeks.
      expect(await matrix('calendar', { timePeriod: 'weekly', periods: 'elapsed' })).toEqual([
        ...cohort('2021-12-27', { 0: 1 }),
        ...cohort('2022-01-03', { 0: 2 }),
      ])
      // Two hours across New Year: calendar month and year 1, elapsed 0.
      expect(await matrix('calendar', { timePeriod: 'monthly', periods: 'elapsed' })).toEqual([
        ...cohort('2021-12', { 0: 1 }),
        ...cohort('2022-01', { 0: 2 }),
      ])
      expect(await matrix('calendar', { timePeriod: 'yearly', periods: 'elapsed' })).toEqual([
        ...cohort('2021', { 0: 1 }),
        ...cohort('2022', { 0: 2 }),
      ])
    })

    it("gives Objectiv's daily numbers with elapsed periods (its end_date '2021-12-02' is endDate '2021-12-01')", async () => {
      expect(await matrix('data', { timePeriod: 'daily', periods: 'elapsed', endDate: '2021-12-01' })).toEqual([
        ...cohort('2021-11-29', { 0: 1, 1: 1 }),
        ...cohort('2021-11-30', { 0: 1, 1: 1 }),
      ])
      expect(
        await matrix('data', { timePeriod: 'daily', periods: 'elapsed', startDate: '2021-11-30', percentage: true }),
      ).toEqual([
        ...cohort('2021-11-30', { 0: 100, 1: 100 }),
        ...cohort('2021-12-02', { 0: 100 }),
        ...cohort('2021-12-03', { 0: 100 }),
      ])
    })

    it('puts a user in every cohort with a start event when recurring (§S4.3.1)', async () => {
      const presses = { timePeriod: 'daily', eventType: 'PressEvent' } as const
      // First time: user 10 from 03-01, users 11 and 12 from 03-03.
      expect(await matrix('returning', presses)).toEqual([
        ...cohort('2022-03-01', { 0: 1, 2: 1, 7: 1 }),
        ...cohort('2022-03-03', { 0: 2, 1: 1 }),
      ])
      // Recurring: user 10 pressed on 03-01, 03-03 and 03-08, so is in those three cohorts.
      expect(await matrix('returning', { ...presses, mode: 'recurring' })).toEqual([
        ...cohort('2022-03-01', { 0: 1, 2: 1, 7: 1 }),
        ...cohort('2022-03-03', { 0: 3, 1: 1, 5: 1 }),
        ...cohort('2022-03-04', { 0: 1 }),
        ...cohort('2022-03-08', { 0: 1 }),
      ])
      // Elapsed from each cohort's first start: user 11's 03-04 09:00 is 22 h after its 03-03 11:00.
      expect(await matrix('returning', { ...presses, mode: 'recurring', periods: 'elapsed' })).toEqual([
        ...cohort('2022-03-01', { 0: 1, 2: 1, 7: 1 }),
        ...cohort('2022-03-03', { 0: 3, 4: 1 }),
        ...cohort('2022-03-04', { 0: 1 }),
        ...cohort('2022-03-08', { 0: 1 }),
      ])
      expect(await matrix('returning', { ...presses, periods: 'elapsed' })).toEqual([
        ...cohort('2022-03-01', { 0: 1, 2: 1, 7: 1 }),
        ...cohort('2022-03-03', { 0: 2 }),
      ])
      // Weeks: Tuesday 03-01 … 03-06 are the week of 02-28; user 10's 03-08 starts the week of 03-07.
      expect(await matrix('returning', { timePeriod: 'weekly', mode: 'recurring' })).toEqual([
        ...cohort('2022-02-28', { 0: 3, 1: 1 }),
        ...cohort('2022-03-07', { 0: 1 }),
      ])
      expect(await matrix('returning', { timePeriod: 'weekly', mode: 'recurring', periods: 'elapsed' })).toEqual([
        ...cohort('2022-02-28', { 0: 3, 1: 1 }),
        ...cohort('2022-03-07', { 0: 1 }),
      ])
      expect(await matrix('returning', { timePeriod: 'weekly' })).toEqual(cohort('2022-02-28', { 0: 3, 1: 1 }))
    })

    it('takes recurring cohorts from start events on or after startDate, activity up to endDate', async () => {
      const recurring = { timePeriod: 'daily', eventType: 'PressEvent', mode: 'recurring' } as const
      expect(await matrix('returning', { ...recurring, startDate: '2022-03-03' })).toEqual([
        ...cohort('2022-03-03', { 0: 3, 1: 1, 5: 1 }),
        ...cohort('2022-03-04', { 0: 1 }),
        ...cohort('2022-03-08', { 0: 1 }),
      ])
      expect(await matrix('returning', { ...recurring, endDate: '2022-03-04' })).toEqual([
        ...cohort('2022-03-01', { 0: 1, 2: 1 }),
        ...cohort('2022-03-03', { 0: 3, 1: 1 }),
        ...cohort('2022-03-04', { 0: 1 }),
      ])
    })

    it('counts returnEventType events as returns, period 0 being the whole cohort (§S4.3.3)', async () => {
      const clickThenPress = { timePeriod: 'daily', eventType: 'ClickEvent', returnEventType: 'PressEvent' } as const
      // Cohort 03-02 (users 10 and 11 clicked first that day): nobody pressed on 03-02, period 0 is still 2.
      // User 10's press on 03-01 came before its first click: not a return.
      expect(await matrix('returning', clickThenPress)).toEqual(cohort('2022-03-02', { 0: 2, 1: 2, 2: 1, 6: 1 }))
      expect(await matrix('returning', { ...clickThenPress, percentage: true })).toEqual(
        cohort('2022-03-02', { 0: 100, 1: 100, 2: 50, 6: 50 }),
      )
      // Elapsed: 38 h and 6 d 3 h after 03-02 09:00 for user 10; 25 h and 47 h after 10:00 for user 11.
      expect(await matrix('returning', { ...clickThenPress, periods: 'elapsed' })).toEqual(
        cohort('2022-03-02', { 0: 2, 1: 2, 6: 1 }),
      )
      // Recurring: user 10 clicked again on 03-04 01:00, after its press of 03-03 23:00.
      expect(await matrix('returning', { ...clickThenPress, mode: 'recurring' })).toEqual([
        ...cohort('2022-03-02', { 0: 2, 1: 2, 2: 1, 6: 1 }),
        ...cohort('2022-03-04', { 0: 1, 4: 1 }),
      ])
      expect(await matrix('returning', { ...clickThenPress, mode: 'recurring', periods: 'elapsed' })).toEqual([
        ...cohort('2022-03-02', { 0: 2, 1: 2, 6: 1 }),
        ...cohort('2022-03-04', { 0: 1, 4: 1 }),
      ])
      // null: any event returns.
      expect(await matrix('returning', { ...clickThenPress, returnEventType: null })).toEqual(
        cohort('2022-03-02', { 0: 2, 1: 2, 2: 2, 6: 1 }),
      )
      // Cohorts from the first event of any type, returns only presses.
      expect(await matrix('returning', { timePeriod: 'daily', returnEventType: 'PressEvent' })).toEqual([
        ...cohort('2022-03-01', { 0: 1, 2: 1, 7: 1 }),
        ...cohort('2022-03-02', { 0: 1, 1: 1, 2: 1 }),
        ...cohort('2022-03-03', { 0: 1 }),
      ])
      // Equal to eventType: the same as leaving it out.
      expect(
        await matrix('returning', { timePeriod: 'daily', eventType: 'PressEvent', returnEventType: 'PressEvent' }),
      ).toEqual(await matrix('returning', { timePeriod: 'daily', eventType: 'PressEvent' }))
    })
  },
  { calendar: dataTable(CALENDAR_DATA), returning: dataTable(RETURNING_DATA), data: dataTable(OBJECTIV_DATA) },
)
