import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

describeEachEngine(
  'agg.uniqueUsers',
  (ctx) => {
    const hub = (timeAggregation?: string) =>
      new ModelHub(ctx.db, {
        engine: ctx.engine,
        sessionIds: 'sequential',
        ...(timeAggregation ? { timeAggregation } : {}),
      })

    it('counts distinct users per time bucket (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      expect(await h.agg.uniqueUsers(h.events()).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', unique_users: 1 },
        { time_aggregation: '2021-11-30', unique_users: 2 },
        { time_aggregation: '2021-12-01', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12-03', unique_users: 1 },
      ])
      const full = hub('%Y-%m-%d %H:%M:%S.%f')
      const perMoment = await full.agg.uniqueUsers(full.events()).execute()
      expect(perMoment).toHaveLength(11)
      expect(perMoment.every((r) => r.unique_users === 1)).toBe(true)
    })

    it('groups by nothing, a column, another bucket, or several keys', async () => {
      const h = hub()
      expect(await h.agg.uniqueUsers(h.events(), { groupBy: null }).execute()).toEqual([{ unique_users: 4 }])
      expect(await h.agg.uniqueUsers(h.events(), { groupBy: 'event_type' }).execute()).toEqual([
        { event_type: 'ClickEvent', unique_users: 4 },
      ])
      expect(
        await h.agg
          .uniqueUsers(h.events(), { groupBy: { timeAggregation: '%Y-%m' } })
          .orderBy('time_aggregation')
          .execute(),
      ).toEqual([
        { time_aggregation: '2021-11', unique_users: 2 },
        { time_aggregation: '2021-12', unique_users: 3 },
      ])
      const bySession = await h.agg
        .uniqueUsers(h.events(), { groupBy: [{ timeAggregation: '%Y-%m' }, 'session_id'] })
        .orderBy('session_id')
        .execute()
      expect(bySession.map((r) => [r.time_aggregation, r.session_id, r.unique_users])).toEqual([
        ['2021-11', 1, 1],
        ['2021-11', 2, 1],
        ['2021-11', 3, 1],
        ['2021-12', 4, 1],
        ['2021-12', 5, 1],
        ['2021-12', 6, 1],
        ['2021-12', 7, 1],
      ])
    })

    it('counts the users of a filtered or mapped selection, and filters its own result', async () => {
      const h = hub()
      const newUsers = h.map.isNewUser(h.events()).where('is_new_user', '=', true)
      expect(
        await h.agg.uniqueUsers(newUsers).where('unique_users', '>', 0).orderBy('time_aggregation').execute(),
      ).toEqual([
        { time_aggregation: '2021-11-29', unique_users: 1 },
        { time_aggregation: '2021-11-30', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12-03', unique_users: 1 },
      ])
      const one = await h.agg.uniqueUsers(h.events().where('user_id', '=', userId(3)), { groupBy: null }).execute()
      expect(one).toEqual([{ unique_users: 1 }])
    })

    it('refuses to group on the column it counts', () => {
      const h = hub()
      expect(() =>
        h.agg.uniqueUsers(h.events(), { groupBy: [{ timeAggregation: '%Y-%m' }, 'user_id'] as never }),
      ).toThrow(ModelHubInputError)
      expect(() => h.agg.uniqueUsers(h.events(), { groupBy: 'user_id' as never })).toThrow(
        '"user_id" is in groupBy but is needed for aggregation: not allowed to group on that',
      )
      expect(() => h.agg.uniqueUsers(h.events(), { groupBy: { timeAggregation: '%Q' } })).toThrow(/%Q is not supported/)
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
