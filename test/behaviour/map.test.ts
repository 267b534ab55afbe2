import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataTable, eventId, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

const ALL = [...Array(12).keys()].map((i) => 301 + i)
/** The events of the set, as 301..312 booleans in event order. */
const only = (...ids: number[]) => ALL.map((id) => ids.includes(id))

describeEachEngine(
  'map helpers',
  (ctx) => {
    const hub = (timeAggregation = '%Y-%m-%d') => new ModelHub(ctx.db, { engine: ctx.engine, timeAggregation })
    const github = (h = hub()) =>
      h.addConversionEvent({
        name: 'github_clicks',
        locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'cta-repo-button' }),
        eventType: 'ClickEvent',
      })
    /** One column's values in event order 301..312. */
    async function values<K extends string>(q: { execute(): Promise<Record<string, any>[]> }, column: K) {
      const rows = await q.execute()
      return [...rows].sort((a, b) => a.event_id.localeCompare(b.event_id)).map((r) => r[column])
    }

    it('formats time buckets with the hub default or an override', async () => {
      const h = hub('%Y-%m')
      expect(await values(h.map.timeAgg(h.events()), 'time_aggregation')).toEqual([
        ...Array(4).fill('2021-11'),
        ...Array(6).fill('2021-12'),
        '2021-11',
        '2021-11',
      ])
      expect(new Set(await values(h.map.timeAgg(h.events(), { timeAggregation: '%Y' }), 'time_aggregation'))).toEqual(
        new Set(['2021']),
      )
      const full = hub('%Y-%m-%d %H:%M:%S.%f')
      expect((await values(full.map.timeAgg(full.events()), 'time_aggregation'))[0]).toBe('2021-11-30 10:23:36.287000')
    })

    it('marks first sessions, and filters on the new column at once', async () => {
      const h = hub()
      const q = h.map.isFirstSession(h.events())
      expect(await values(q, 'is_first_session')).toEqual(only(304, 307, 308, 310, 311, 312))
      const firsts = await q.where('is_first_session', '=', true).select('event_id').execute()
      expect(firsts.map((r) => r.event_id).sort()).toEqual([304, 307, 308, 310, 311, 312].map(eventId))
    })

    it('marks new users per day and per month', async () => {
      const h = hub()
      expect(await values(h.map.isNewUser(h.events()), 'is_new_user')).toEqual(only(304, 307, 308, 309, 310, 311, 312))
      const monthly = h.map.isNewUser(h.events(), { timeAggregation: '%Y-%m', as: 'is_new_user_month' })
      expect(await values(monthly, 'is_new_user_month')).toEqual(ALL.map((id) => id !== 305 && id !== 306))
    })

    it('labels conversion events by location and type', async () => {
      const h = github()
      expect(await values(h.map.isConversionEvent(h.events(), 'github_clicks'), 'is_conversion_event')).toEqual(
        only(303),
      )
      const byType = h.addConversionEvent({ name: 'github_clicks', eventType: 'ClickEvent' })
      expect(
        await values(byType.map.isConversionEvent(byType.events(), 'github_clicks'), 'is_conversion_event'),
      ).toEqual(ALL.map(() => true))
      const byTest = hub().addConversionEvent({ name: 'main', locationStack: (ls) => ls.contains({ id: 'main' }) })
      expect(await values(byTest.map.isConversionEvent(byTest.events(), 'main'), 'is_conversion_event')).toEqual(
        only(302, 311),
      )
    })

    it('rejects unknown conversion names at run time, naming the known ones', () => {
      const h = github()
      const untyped = h.map as unknown as { isConversionEvent(q: unknown, name: unknown): unknown }
      expect(() => untyped.isConversionEvent(h.events(), 'some_clicks')).toThrow(ModelHubInputError)
      expect(() => untyped.isConversionEvent(h.events(), 'some_clicks')).toThrow(
        'conversion name: got "some_clicks"; it is not labeled as a conversion; known conversions: "github_clicks"',
      )
      expect(() => untyped.isConversionEvent(h.events(), null)).toThrow(/not labeled as a conversion/)
      expect(() => hub().addConversionEvent({ name: 'nothing' } as never)).toThrow(
        'give at least one of locationStack and eventType',
      )
    })

    it('counts conversions in time and in total, per session or per user', async () => {
      const h = github()
      expect(await values(h.map.conversionsInTime(h.events(), 'github_clicks'), 'conversions_in_time')).toEqual(
        ALL.map((id) => (id === 303 ? 1 : 0)),
      )
      expect(await values(h.map.conversionsCounter(h.events(), 'github_clicks'), 'converted')).toEqual(
        ALL.map((id) => (id <= 303 ? 1 : 0)),
      )
      const perUser = h.map.conversionsCounter(h.events(), 'github_clicks', { partition: 'user_id' })
      expect(await values(perUser, 'converted')).toEqual(
        ALL.map((id) => ([301, 302, 303, 311, 312].includes(id) ? 1 : 0)),
      )
    })

    it('gives peers at the same moment the same running count (RANGE frame)', async () => {
      const h = hub().addConversionEvent({ name: 'clicks', eventType: 'ClickEvent' })
      const counts = await values(h.map.conversionsInTime(h.events(), 'clicks'), 'conversions_in_time')
      expect(counts[6]).toBe(2) // 307
      expect(counts[7]).toBe(2) // 308, same moment as 307
    })

    it('counts hits back from the first conversion', async () => {
      const h = github()
      const perSession = await values(
        h.map.preConversionHitNumber(h.events(), 'github_clicks'),
        'pre_conversion_hit_number',
      )
      expect(perSession).toEqual(ALL.map((id) => ({ 301: 2, 302: 1 })[id] ?? null))
      const q = h.map.preConversionHitNumber(h.events(), 'github_clicks', { partition: 'user_id', as: 'before' })
      expect(await values(q, 'before')).toEqual(ALL.map((id) => ({ 301: 2, 302: 1, 311: 4, 312: 3 })[id] ?? null))
      const [row] = await q.where('event_id', '=', eventId(311)).execute()
      expect(Object.keys(row ?? {}).sort()).toEqual(
        [
          'day',
          'event_id',
          'event_type',
          'location_stack',
          'moment',
          'session_hit_number',
          'session_id',
          'stack_event_types',
          'user_id',
          'before',
        ].sort(),
      )
    })

    it('stacks helpers on one another, each a column of the next', async () => {
      const h = github()
      const q = h.map.conversionsInTime(h.map.isNewUser(h.events()), 'github_clicks')
      const rows = await q
        .where('is_new_user', '=', false)
        .where('conversions_in_time', '=', 1)
        .select('event_id')
        .execute()
      expect(rows.map((r) => r.event_id)).toEqual([eventId(303)])
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
