import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { MIDNIGHT_DATA } from '../fixtures/session-calendar-data.ts'
import { describeEachEngine } from '../support/engines.ts'

const FULL_TIMESTAMP = '%Y-%m-%d %H:%M:%S.%f'
/** Seconds as the database computes them: the float nearest the true value, give or take rounding. */
const seconds = (value: number) => expect.closeTo(value, 12)

/** The error a call throws, to assert its class and its whole message. */
function thrown(call: () => unknown): Error {
  try {
    call()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to throw')
}

describeEachEngine(
  'agg.uniqueSessions, agg.sessionDuration, agg.frequency',
  (ctx) => {
    const hub = (timeAggregation?: string, table?: string) =>
      new ModelHub(ctx.db, {
        engine: ctx.engine,
        sessionIds: 'sequential', // the tests name Objectiv's session numbers (BigQuery's default is 'daily')
        ...(timeAggregation ? { timeAggregation } : {}),
        ...(table ? { table } : {}),
      })
    const month = { timeAggregation: '%Y-%m' } as const

    it('counts distinct sessions per bucket, column and key set (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      expect(await h.agg.uniqueSessions(h.events()).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', unique_sessions: 1 },
        { time_aggregation: '2021-11-30', unique_sessions: 2 },
        { time_aggregation: '2021-12-01', unique_sessions: 1 },
        { time_aggregation: '2021-12-02', unique_sessions: 2 },
        { time_aggregation: '2021-12-03', unique_sessions: 1 },
      ])
      expect(await h.agg.uniqueSessions(h.events(), { groupBy: null }).execute()).toEqual([{ unique_sessions: 7 }])
      expect(await h.agg.uniqueSessions(h.events(), { groupBy: month }).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11', unique_sessions: 3 },
        { time_aggregation: '2021-12', unique_sessions: 4 },
      ])
      expect(await h.agg.uniqueSessions(h.events(), { groupBy: 'event_type' }).execute()).toEqual([
        { event_type: 'ClickEvent', unique_sessions: 7 },
      ])
      expect(
        await h.agg
          .uniqueSessions(h.events(), { groupBy: [month, 'user_id'] })
          .orderBy('time_aggregation')
          .orderBy('user_id')
          .execute(),
      ).toEqual([
        { time_aggregation: '2021-11', user_id: userId(1), unique_sessions: 1 },
        { time_aggregation: '2021-11', user_id: userId(2), unique_sessions: 2 },
        { time_aggregation: '2021-12', user_id: userId(1), unique_sessions: 1 },
        { time_aggregation: '2021-12', user_id: userId(3), unique_sessions: 2 },
        { time_aggregation: '2021-12', user_id: userId(4), unique_sessions: 1 },
      ])
      const full = hub(FULL_TIMESTAMP)
      const perMoment = await full.agg.uniqueSessions(full.events()).orderBy('time_aggregation').execute()
      expect(perMoment).toHaveLength(11)
      expect(perMoment.map((r) => r.unique_sessions)).toEqual(Array(11).fill(1))
      expect(perMoment[0]).toEqual({ time_aggregation: '2021-11-29 10:23:36.286000', unique_sessions: 1 })
    })

    it('refuses to group unique sessions on session_id', () => {
      const h = hub()
      for (const groupBy of ['session_id', [month, 'session_id']]) {
        const error = thrown(() => h.agg.uniqueSessions(h.events(), { groupBy: groupBy as never }))
        expect(error).toBeInstanceOf(ModelHubInputError)
        expect(error.message).toBe(
          'groupBy: got "session_id"; "session_id" is in groupBy but is needed for aggregation: not allowed to group on that',
        )
      }
    })

    it('averages non-bounce session durations in seconds (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      expect(await h.agg.sessionDuration(h.events(), { groupBy: null }).execute()).toEqual([
        { session_duration: seconds(0.008 / 3) },
      ])
      expect(await h.agg.sessionDuration(h.events(), { groupBy: null, excludeBounces: false }).execute()).toEqual([
        { session_duration: seconds(0.008 / 7) },
      ])
      // Days with only bounces (11-30's session 2 is one; 12-02, 12-03) have no row or no weight.
      expect(await h.agg.sessionDuration(h.events()).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', session_duration: seconds(0.001) },
        { time_aggregation: '2021-11-30', session_duration: seconds(0.004) },
        { time_aggregation: '2021-12-01', session_duration: seconds(0.003) },
      ])
      expect(await h.agg.sessionDuration(h.events(), { groupBy: month }).orderBy('time_aggregation').execute()).toEqual(
        [
          { time_aggregation: '2021-11', session_duration: seconds(0.0025) },
          { time_aggregation: '2021-12', session_duration: seconds(0.003) },
        ],
      )
      expect(
        await h.agg
          .sessionDuration(h.events(), { groupBy: month, method: 'sum' })
          .orderBy('time_aggregation')
          .execute(),
      ).toEqual([
        { time_aggregation: '2021-11', session_duration: seconds(0.005) },
        { time_aggregation: '2021-12', session_duration: seconds(0.003) },
      ])
      expect(await h.agg.sessionDuration(h.events(), { groupBy: 'event_type' }).execute()).toEqual([
        { event_type: 'ClickEvent', session_duration: seconds(0.008 / 3) },
      ])
      expect(
        await h.agg
          .sessionDuration(h.events(), { groupBy: [month, 'session_id'] })
          .orderBy('session_id')
          .execute(),
      ).toEqual([
        { time_aggregation: '2021-11', session_id: 1, session_duration: seconds(0.001) },
        { time_aggregation: '2021-11', session_id: 3, session_duration: seconds(0.004) },
        { time_aggregation: '2021-12', session_id: 4, session_duration: seconds(0.003) },
      ])
      // The notebook's duration of new users' sessions (docs/semantics.md §S7.6).
      const newUsers = h.map.isNewUser(h.events()).where('is_new_user', '=', true)
      expect(await h.agg.sessionDuration(newUsers).execute()).toEqual([
        { time_aggregation: '2021-11-29', session_duration: seconds(0.001) },
      ])
    })

    it('gives each session wholly to the bucket of its first event (docs/semantics.md §S4.2)', async () => {
      // Objectiv cut sessions at every bucket edge, so with its default full-timestamp bucket every
      // piece was one instant, a bounce, and the result was empty. Here each session keeps its duration.
      const full = hub(FULL_TIMESTAMP)
      expect(await full.agg.sessionDuration(full.events()).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29 10:23:36.286000', session_duration: seconds(0.001) },
        { time_aggregation: '2021-11-30 10:23:36.287000', session_duration: seconds(0.004) },
        { time_aggregation: '2021-12-01 10:23:36.276000', session_duration: seconds(0.003) },
      ])

      // User 5's session runs 23:50 → 00:10: 1200 s on the day it started, nothing the next day
      // (Objectiv: 300 s on 12-05, and a bounce on 12-06). User 6 has 30 s on 12-06.
      const night = hub(undefined, 'midnight')
      expect(await night.agg.sessionDuration(night.events()).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-12-05', session_duration: 1200 },
        { time_aggregation: '2021-12-06', session_duration: 30 },
      ])
      expect(
        await night.agg
          .sessionDuration(night.events(), { excludeBounces: false })
          .orderBy('time_aggregation')
          .execute(),
      ).toEqual([
        { time_aggregation: '2021-12-05', session_duration: 1200 },
        { time_aggregation: '2021-12-06', session_duration: 30 },
      ])
      // Counted sessions, unlike durations, count on every day they have hits: user 5's on both days,
      // over every event (by session starts and day changes) and over filtered events alike.
      const perDay = [
        { time_aggregation: '2021-12-05', unique_sessions: 1 },
        { time_aggregation: '2021-12-06', unique_sessions: 2 },
      ]
      expect(await night.agg.uniqueSessions(night.events()).orderBy('time_aggregation').execute()).toEqual(perDay)
      const unfiltered = night.events().where('event_id', 'is not', null)
      expect(await night.agg.uniqueSessions(unfiltered).orderBy('time_aggregation').execute()).toEqual(perDay)
      // The day and moment columns as keys are the session's first, too.
      expect(await night.agg.sessionDuration(night.events(), { groupBy: 'day' }).orderBy('day').execute()).toEqual([
        { day: '2021-12-05', session_duration: 1200 },
        { day: '2021-12-06', session_duration: 30 },
      ])
      expect(
        await night.agg
          .sessionDuration(night.events(), { groupBy: 'moment', method: 'sum' })
          .orderBy('moment')
          .execute(),
      ).toEqual([
        { moment: new Date('2021-12-05T23:50:00Z'), session_duration: 1200 },
        { moment: new Date('2021-12-06T09:00:00Z'), session_duration: 30 },
      ])
      // Other columns split a session as in Objectiv: user 5's ClickEvents span 300 s, its PressEvent is a
      // bounce; the bucket is still that of the session's first event.
      expect(
        await night.agg
          .sessionDuration(night.events(), {
            groupBy: [{ timeAggregation: '%Y-%m-%d' }, 'event_type'],
            excludeBounces: false,
          })
          .orderBy('time_aggregation')
          .orderBy('event_type')
          .execute(),
      ).toEqual([
        { time_aggregation: '2021-12-05', event_type: 'ClickEvent', session_duration: 300 },
        { time_aggregation: '2021-12-05', event_type: 'PressEvent', session_duration: 0 },
        { time_aggregation: '2021-12-06', event_type: 'ClickEvent', session_duration: 30 },
      ])
      expect(
        await night.agg.sessionDuration(night.events(), { groupBy: 'event_type' }).orderBy('event_type').execute(),
      ).toEqual([{ event_type: 'ClickEvent', session_duration: 165 }])
      // Unique sessions count a session on every day it has events in.
      expect(await night.agg.uniqueSessions(night.events()).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-12-05', unique_sessions: 1 },
        { time_aggregation: '2021-12-06', unique_sessions: 2 },
      ])
    })

    it('counts users per number of sessions (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      expect(await h.agg.frequency(h.events()).orderBy('session_id_nunique').execute()).toEqual([
        { session_id_nunique: 1, user_id_nunique: 1 },
        { session_id_nunique: 2, user_id_nunique: 3 },
      ])
      expect(
        await h.agg
          .frequency(h.events().where('day', '>=', '2021-12-01'))
          .orderBy('session_id_nunique')
          .execute(),
      ).toEqual([
        { session_id_nunique: 1, user_id_nunique: 2 },
        { session_id_nunique: 2, user_id_nunique: 1 },
      ])
      expect(await h.agg.frequency(h.events()).where('session_id_nunique', '=', 2).execute()).toEqual([
        { session_id_nunique: 2, user_id_nunique: 3 },
      ])
    })

    it('leaves anonymous users out of frequency, not out of sessions', async () => {
      // With email identities, users 1 and 4 have none and become NULL: 2 identified users with 2 sessions.
      const h = new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'email' })
      expect(await h.agg.frequency(h.events()).execute()).toEqual([{ session_id_nunique: 2, user_id_nunique: 2 }])
      expect(await h.agg.uniqueSessions(h.events(), { groupBy: null }).execute()).toEqual([{ unique_sessions: 7 }])
      // NULLs sort last on Postgres and first on BigQuery: say which.
      const perUser = h.agg.uniqueSessions(h.events(), { groupBy: 'user_id' })
      expect(await perUser.orderBy('user_id', (o) => o.asc().nullsLast()).execute()).toEqual([
        { user_id: 'fake2@objectiv.io|email', unique_sessions: 2 },
        { user_id: 'fake3@objectiv.io|email', unique_sessions: 2 },
        { user_id: null, unique_sessions: 3 },
      ])
      expect(await h.agg.sessionDuration(h.events(), { groupBy: null }).execute()).toEqual([
        { session_duration: seconds(0.008 / 3) },
      ])
      const durations = h.agg.sessionDuration(h.events(), { groupBy: 'user_id' })
      expect(await durations.orderBy('user_id', (o) => o.asc().nullsLast()).execute()).toEqual([
        { user_id: 'fake2@objectiv.io|email', session_duration: seconds(0.0025) },
        { user_id: null, session_duration: seconds(0.003) },
      ])
    })

    it('gives no rows for an empty selection (and 0 sessions without keys)', async () => {
      const h = hub()
      const none = h.events().where('event_type', '=', 'NoSuchEvent')
      expect(await h.agg.uniqueSessions(none).execute()).toEqual([])
      expect(await h.agg.uniqueSessions(none, { groupBy: null }).execute()).toEqual([{ unique_sessions: 0 }])
      expect(await h.agg.sessionDuration(none).execute()).toEqual([])
      expect(await h.agg.sessionDuration(none, { groupBy: null }).execute()).toEqual([])
      expect(
        await h.agg.sessionDuration(none, { groupBy: null, method: 'sum', excludeBounces: false }).execute(),
      ).toEqual([])
      expect(await h.agg.frequency(none).execute()).toEqual([])
      // Only bounces: no duration either.
      const bounces = h.events().where('user_id', '=', userId(4))
      expect(await h.agg.sessionDuration(bounces, { groupBy: null }).execute()).toEqual([])
      expect(await h.agg.sessionDuration(bounces, { groupBy: null, excludeBounces: false }).execute()).toEqual([
        { session_duration: 0 },
      ])
    })

    it('checks the options of sessionDuration with exact messages', () => {
      const h = hub()
      const cases: [() => unknown, string][] = [
        [
          () => h.agg.sessionDuration(h.events(), { method: 'median' as never }),
          'method: got "median"; expected "mean" or "sum"',
        ],
        [
          () => h.agg.sessionDuration(h.events(), { excludeBounces: 'yes' as never }),
          'excludeBounces: got "yes"; expected true or false',
        ],
        [
          () => h.agg.sessionDuration(h.events(), { groupBy: { timeAggregation: '%Q' } }),
          'time format: got "%Q"; the code %Q is not supported; use %% for a percent sign and one of %Y %m %d %H %M %S %f %y %j %b %h %B %a %A %w %V %G %u %F %T',
        ],
        [
          () => h.agg.sessionDuration(h.events(), { groupBy: ['day', 'day'] }),
          'groupBy: got ["day","day"]; the key "day" appears twice',
        ],
      ]
      for (const [call, message] of cases) {
        const error = thrown(call)
        expect(error).toBeInstanceOf(ModelHubInputError)
        expect(error.message).toBe(message)
      }
    })
  },
  { data: dataTable(OBJECTIV_DATA), midnight: dataTable(MIDNIGHT_DATA) },
)
