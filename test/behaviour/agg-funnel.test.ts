import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { EDGE_DATA, EDGE_NAMES } from '../fixtures/agg-edge-data.ts'
import { OBJECTIV_NICE_NAMES as NICE } from '../fixtures/location-stacks.ts'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine, itOnPostgres } from '../support/engines.ts'
import { planNodeCounts } from '../support/plan.ts'
import { niceNamesPerEvent, verbosePlan } from '../support/verbose-plan.ts'

/** A funnel row: location, n_users, completed, step rate, full rate, dropoff share. */
const step = (
  location: string,
  n_users: number,
  n_users_completed_step: number,
  step_conversion_rate: number,
  full_conversion_rate: number,
  dropoff_share: number,
) => ({ location, n_users, n_users_completed_step, step_conversion_rate, full_conversion_rate, dropoff_share })
/** One user at a location who went on (1) or stopped there (0), in a funnel whose largest step has one user. */
const single = (location: string, completed: 0 | 1) =>
  completed ? step(location, 1, 1, 1, 1, 0) : step(location, 1, 0, 0, 0, 1)

describeEachEngine(
  'agg.funnelConversion',
  (ctx) => {
    const hub = (options: { table?: string; identityResolution?: string } = {}) =>
      new ModelHub(ctx.db, {
        engine: ctx.engine,
        globalContexts: ['application'],
        sessionIds: 'sequential',
        ...options,
      })
    /** Objectiv's test location: the first 7 characters of the lower-cased nice name. */
    const short = (h: ReturnType<typeof hub>) =>
      h
        .events()
        .select((eb) =>
          sql<string | null>`lower(substr(${h.ls(eb.ref('location_stack')).niceName()}, 1, 7))`.as('feature_nice_name'),
        )

    it('follows each user from location to location (docs/semantics.md §S7.5, short names)', async () => {
      const h = hub()
      expect(await h.agg.funnelConversion(short(h), { locationStack: 'feature_nice_name' }).execute()).toEqual([
        step('link: c', 3, 2, 0.667, 0.667, 0.333),
        step('link: a', 2, 1, 0.5, 0.333, 0.333),
        // 308 and 307 share a moment: the tie goes by name, so 'expanda' comes first and leads on.
        step('expanda', 1, 1, 1, 0.333, 0),
        step('link: d', 1, 0, 0, 0, 0.333),
        step('link: g', 1, 0, 0, 0, 0.333),
        step('link: l', 1, 1, 1, 0.333, 0),
        step('link: n', 1, 1, 1, 0.333, 0),
      ])
      // The same through a text expression of the stack.
      const byExpression = h.agg.funnelConversion(h.events(), {
        locationStack: (ls) => sql<string | null>`lower(substr(${ls.niceName()}, 1, 7))`,
      })
      expect((await byExpression.execute()).map((r) => [r.location, r.n_users, r.n_users_completed_step])).toEqual([
        ['link: c', 3, 2],
        ['link: a', 2, 1],
        ['expanda', 1, 1],
        ['link: d', 1, 0],
        ['link: g', 1, 0],
        ['link: l', 1, 1],
        ['link: n', 1, 1],
      ])
    })

    it('gives every full nice name one user, completed unless it is a last location (docs/semantics.md §S7.5 default)', async () => {
      const h = hub()
      const last = [303, 306, 309, 310]
      expect(await h.agg.funnelConversion(h.events()).execute()).toEqual(
        [308, 309, 305, 306, 307, 310, 301, 302, 311, 303, 312, 304].map((e) =>
          single(NICE[e]!, last.includes(e) ? 0 : 1),
        ),
      )
    })

    it('makes a funnel per day; a first visit belongs to its own day (docs/semantics.md §S7.5 groupBy day)', async () => {
      const h = hub()
      const rows = await h.agg
        .funnelConversion(short(h), { locationStack: 'feature_nice_name', groupBy: 'day' })
        .execute()
      expect(rows).toEqual([
        { day: '2021-11-29', ...single('link: c', 1) },
        { day: '2021-11-29', ...single('link: l', 0) },
        { day: '2021-11-30', ...single('link: g', 0) },
        { day: '2021-11-30', ...single('link: n', 0) },
        { day: '2021-12-01', ...single('link: a', 1) },
        { day: '2021-12-01', ...single('link: c', 0) },
        { day: '2021-12-02', ...single('expanda', 1) },
        { day: '2021-12-02', ...single('link: a', 0) },
        { day: '2021-12-02', ...single('link: c', 1) },
        { day: '2021-12-03', ...single('link: d', 0) },
      ])
    })

    it('groups by several keys and by a time bucket (docs/semantics.md §S7.5 groupBy day and session)', async () => {
      const h = hub()
      const rows = await h.agg
        .funnelConversion(short(h), { locationStack: 'feature_nice_name', groupBy: ['day', 'session_id'] })
        .execute()
      expect(rows.map((r) => [r.day, r.session_id, r.location, r.n_users, r.n_users_completed_step])).toEqual([
        ['2021-11-29', 1, 'link: c', 1, 1],
        ['2021-11-29', 1, 'link: l', 1, 0],
        ['2021-11-30', 2, 'link: n', 1, 0],
        ['2021-11-30', 3, 'link: g', 1, 0],
        ['2021-12-01', 4, 'link: a', 1, 1],
        ['2021-12-01', 4, 'link: c', 1, 0],
        ['2021-12-02', 5, 'expanda', 1, 1],
        ['2021-12-02', 5, 'link: c', 1, 0],
        ['2021-12-02', 6, 'link: a', 1, 0],
        ['2021-12-03', 7, 'link: d', 1, 0],
      ])
      expect(rows.every((r) => (r.n_users_completed_step ? r.dropoff_share === 0 : r.dropoff_share === 1))).toBe(true)
      const monthly = await h.agg
        .funnelConversion(short(h), { locationStack: 'feature_nice_name', groupBy: { timeAggregation: '%Y-%m' } })
        .execute()
      expect(monthly).toEqual([
        { time_aggregation: '2021-11', ...single('link: c', 1) },
        { time_aggregation: '2021-11', ...single('link: g', 0) },
        { time_aggregation: '2021-11', ...single('link: l', 1) },
        { time_aggregation: '2021-11', ...single('link: n', 0) },
        { time_aggregation: '2021-12', ...step('link: a', 2, 1, 0.5, 0.5, 0.5) },
        { time_aggregation: '2021-12', ...step('link: c', 2, 1, 0.5, 0.5, 0.5) },
        { time_aggregation: '2021-12', ...step('expanda', 1, 1, 1, 0.5, 0) },
        { time_aggregation: '2021-12', ...step('link: d', 1, 0, 0, 0, 0.5) },
      ])
    })

    it('breaks moment ties by name, skips NULL locations, and is empty for no events', async () => {
      const h = hub({ table: 'edge' })
      // Users 2 and 3 visit alpha and zeta at one moment: alpha first for both, whatever the event ids.
      expect(await h.agg.funnelConversion(h.events()).execute()).toEqual([
        step(EDGE_NAMES.alpha, 2, 2, 1, 1, 0),
        step(EDGE_NAMES.zeta, 2, 0, 0, 0, 1),
        step(EDGE_NAMES.first, 1, 0, 0, 0, 0.5),
        step(EDGE_NAMES.orphan, 1, 0, 0, 0, 0.5),
      ])
      expect(await h.agg.funnelConversion(h.events().where('event_type', '=', 'NoSuchEvent')).execute()).toEqual([])
      // A location slice that is empty for every event leaves nothing.
      const nowhere = h.agg.funnelConversion(h.events(), { locationStack: (ls) => ls.from({ id: 'nowhere' }) })
      expect(await nowhere.execute()).toEqual([])
    })

    it('leaves anonymous users out', async () => {
      // With email identities, a2b1 and a2b4 have none and are anonymized: a2b2 and a2b3 remain.
      const h = hub({ identityResolution: 'email' })
      expect(await h.agg.funnelConversion(h.events()).execute()).toEqual(
        [308, 309, 307, 301, 302, 311, 303, 312].map((e) => single(NICE[e]!, e === 303 || e === 309 ? 0 : 1)),
      )
    })

    it('returns a filterable query', async () => {
      const h = hub()
      const funnel = h.agg.funnelConversion(short(h), { locationStack: 'feature_nice_name' })
      expect(await funnel.where('n_users', '>', 1).execute()).toEqual([
        step('link: c', 3, 2, 0.667, 0.667, 0.333),
        step('link: a', 2, 1, 0.5, 0.333, 0.333),
      ])
    })

    itOnPostgres(ctx, 'reads no session column and computes the location once', async () => {
      const h = hub()
      const windows = async (q: Parameters<typeof planNodeCounts>[1]) =>
        (await planNodeCounts(ctx.db, q)).WindowAgg ?? 0
      const narrow = h.events().clearSelect().select(['event_id', 'moment', 'user_id', 'location_stack'])
      expect(await windows(h.agg.funnelConversion(h.events()))).toBe(await windows(h.agg.funnelConversion(narrow)))
      // The location is computed once per event, though it is partitioned on, filtered and counted.
      const byDay = h.agg.funnelConversion(h.events(), { groupBy: 'day' })
      expect(niceNamesPerEvent(await verbosePlan(ctx.db, byDay))).toBe(1)
    })

    it('rejects bad options with exact messages', () => {
      const h = hub()
      expect(() => h.agg.funnelConversion(h.events(), { groupBy: 'user_id' as never })).toThrow(ModelHubInputError)
      expect(() => h.agg.funnelConversion(h.events(), { groupBy: 'user_id' as never })).toThrow(
        'groupBy: got "user_id"; "user_id" is in groupBy but is needed for aggregation: not allowed to group on that',
      )
      expect(() => h.agg.funnelConversion(h.events(), { groupBy: ['day', 'day'] })).toThrow(
        'groupBy: got ["day","day"]; the key "day" appears twice',
      )
      expect(() => h.agg.funnelConversion(h.events(), { locationStack: '' as never })).toThrow(
        'locationStack: got ""; expected a function such as (ls) => ls.from({ _type: "LinkContext" }), or the name of a text column',
      )
    })
  },
  { data: dataTable(OBJECTIV_DATA), edge: dataTable(EDGE_DATA) },
)
