import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

/**
 * The seed notebook (docs/semantics.md §S6) on Objectiv's 12 events, with the values
 * Objectiv 0.0.17 produced for it (docs/semantics.md §S7.6).
 */
describeEachEngine(
  'the modelhub-basics notebook on the Objectiv test data',
  (ctx) => {
    const notebook = () => {
      const hub = new ModelHub(ctx.db, {
        engine: ctx.engine,
        timeAggregation: '%Y-%m-%d',
        sessionIds: 'sequential',
      }).addConversionEvent({
        name: 'github',
        locationStack: (ls) => ls.from({ id: 'cta-repo-button', _type: 'LinkContext' }),
        eventType: 'ClickEvent',
      })
      return { hub, df: hub.events({ startDate: '2021-11-16' }) }
    }

    it('counts users, converted users and new users’ session duration', async () => {
      const { hub, df } = notebook()
      expect(await hub.agg.uniqueUsers(df).orderBy('time_aggregation', 'desc').execute()).toEqual([
        { time_aggregation: '2021-12-03', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12-01', unique_users: 1 },
        { time_aggregation: '2021-11-30', unique_users: 2 },
        { time_aggregation: '2021-11-29', unique_users: 1 },
      ])
      const conversions = hub.map.isConversionEvent(df, 'github', { as: 'conversion_events' })
      expect(await hub.agg.uniqueUsers(conversions.where('conversion_events', '=', true)).execute()).toEqual([
        { time_aggregation: '2021-11-30', unique_users: 1 },
      ])
      const newUsers = hub.map.isNewUser(df).where('is_new_user', '=', true)
      expect(await hub.agg.sessionDuration(newUsers).execute()).toEqual([
        { time_aggregation: '2021-11-29', session_duration: expect.closeTo(0.001, 9) },
      ])
    })

    it('divides new users by all users, NULL where a day has no new user', async () => {
      const { hub, df } = notebook()
      const share = hub.divide(
        hub.agg.uniqueUsers(hub.map.isNewUser(df).where('is_new_user', '=', true)),
        hub.agg.uniqueUsers(df),
      )
      expect(await share.orderBy('time_aggregation', 'desc').execute()).toEqual([
        { time_aggregation: '2021-12-03', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12-01', unique_users: null },
        { time_aggregation: '2021-11-30', unique_users: 0.5 },
        { time_aggregation: '2021-11-29', unique_users: 1 },
      ])
      const sql = hub.toSql(share)
      // The share of the events' users that are new: one pass, no join (docs/semantics.md §S4.6).
      expect(sql).not.toMatch(/full (outer )?join/i)
      expect(sql).toContain('__numerator_row')
      expect(sql.split('\n').length).toBeGreaterThan(10)
    })

    it('finds no new-this-month user who converted twice', async () => {
      const { hub, df } = notebook()
      const labelled = hub.map.conversionsInTime(
        hub.map.isNewUser(df, { timeAggregation: '%Y-%m', as: 'is_new_user_month' }),
        'github',
      )
      const twice = labelled.where('is_new_user_month', '=', true).where('conversions_in_time', '=', 2)
      expect(await hub.agg.uniqueUsers(twice).execute()).toEqual([])
    })

    it('counts converted users’ clicks before converting, per session, on a materialized frame', async () => {
      const { hub, df } = notebook()
      const counts = await hub.withConnection(async (h) => {
        // The notebook's temp table (on BigQuery, in the connection's session).
        const frame = await h.materialize(df, { kind: 'temp_table' })
        const labelled = h.map.conversionsInTime(h.map.isConversionEvent(frame, 'github'), 'github', {
          as: 'conversion_count',
        })
        const convertedUsers = labelled.where('is_conversion_event', '=', true).clearSelect().select('user_id')
        return labelled
          .where('event_type', '=', 'ClickEvent')
          .where('user_id', 'in', convertedUsers)
          .where('conversion_count', '=', 0)
          .clearSelect()
          .select(['session_id', (eb) => eb.fn.count<number>('session_hit_number').as('presses')])
          .groupBy('session_id')
          .orderBy('session_id')
          .execute()
      })
      expect(counts).toEqual([
        { session_id: 1, presses: 2 },
        { session_id: 3, presses: 2 },
      ])
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
