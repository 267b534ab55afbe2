import { ModelHub, ModelHubInputError } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { LIFECYCLE_DATA } from '../fixtures/lifecycle-data.ts'
import { dataTable } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

const row = (intervals_active: number, users: number) => ({ intervals_active, users })

describeEachEngine(
  'agg.stickiness',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'email' })
    const rows = (interval: 'day' | 'week' | 'month') => {
      const h = hub()
      return h.agg.stickiness(h.events(), { interval }).orderBy('intervals_active').execute()
    }

    it('counts users by distinct active days, ISO weeks and months; NULL users never count (docs/semantics.md §S8)', async () => {
      // Days: user 1 on 3, user 2 on 2, user 3 on 3 (two in one week), user 4 on 1.
      expect(await rows('day')).toEqual([row(1, 1), row(2, 1), row(3, 2)])
      // Weeks: Fri Dec 31 and Sun Jan 2 are one week, Mon Jan 3 the next.
      expect(await rows('week')).toEqual([row(1, 1), row(2, 2), row(3, 1)])
      // Months: 23:30 on Dec 31 is December.
      expect(await rows('month')).toEqual([row(1, 2), row(2, 2)])
    })

    it('counts per groupBy key, each user with the intervals of that group', async () => {
      const h = hub()
      const monthly = await h.agg
        .stickiness(h.events(), { interval: 'day', groupBy: { timeAggregation: '%Y-%m' } })
        .orderBy('time_aggregation')
        .orderBy('intervals_active')
        .execute()
      expect(monthly).toEqual([
        { time_aggregation: '2021-12', intervals_active: 1, users: 1 },
        { time_aggregation: '2022-01', intervals_active: 1, users: 1 },
        { time_aggregation: '2022-01', intervals_active: 2, users: 3 },
        { time_aggregation: '2022-02', intervals_active: 1, users: 1 },
      ])
      const byDay = await h.agg
        .stickiness(h.events(), { interval: 'week', groupBy: ['day'] })
        .where('day', '=', '2022-01-17')
        .execute()
      expect(byDay).toEqual([{ day: '2022-01-17', intervals_active: 1, users: 2 }])
    })

    it('names a bad option and what is valid', () => {
      const h = hub()
      const call = (options: unknown) => () => h.agg.stickiness(h.events(), options as never)
      expect(call({ interval: 'hour' })).toThrow(ModelHubInputError)
      expect(call({ interval: 'hour' })).toThrow('interval: got "hour"; expected one of "day", "week", "month"')
      expect(call({})).toThrow('interval: got undefined; expected one of "day", "week", "month"')
      expect(call(undefined)).toThrow('interval: got undefined; expected one of "day", "week", "month"')
      expect(call({ interval: 'day', groupBy: 'user_id' })).toThrow(/"user_id" is in groupBy/)
      expect(call({ interval: 'day', period: 'x' })).toThrow(/unknown option "period"/)
    })
  },
  { data: dataTable(LIFECYCLE_DATA) },
)
