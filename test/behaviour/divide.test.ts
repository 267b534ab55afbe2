import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

describeEachEngine(
  'hub.divide',
  (ctx) => {
    const hub = () =>
      new ModelHub(ctx.db, { engine: ctx.engine, timeAggregation: '%Y-%m-%d', sessionIds: 'sequential' })
    const newUsers = (h: ReturnType<typeof hub>) => h.map.isNewUser(h.events()).where('is_new_user', '=', true)

    it("gives the notebook's new-user share, NULL where the numerator has no row (docs/semantics.md §S7.6)", async () => {
      const h = hub()
      const share = h.divide(h.agg.uniqueUsers(newUsers(h)), h.agg.uniqueUsers(h.events()))
      expect(await share.orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', unique_users: 1 },
        { time_aggregation: '2021-11-30', unique_users: 0.5 },
        { time_aggregation: '2021-12-01', unique_users: null },
        { time_aggregation: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12-03', unique_users: 1 },
      ])
    })

    it('is NULL where the denominator has no row, and filters and sorts like any aggregate', async () => {
      const h = hub()
      const inverse = h.divide(h.agg.uniqueUsers(h.events()), h.agg.uniqueUsers(newUsers(h)))
      expect(await inverse.orderBy('time_aggregation', 'desc').execute()).toEqual([
        { time_aggregation: '2021-12-03', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12-01', unique_users: null },
        { time_aggregation: '2021-11-30', unique_users: 2 },
        { time_aggregation: '2021-11-29', unique_users: 1 },
      ])
      expect(await inverse.where('unique_users', '>', 1).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-30', unique_users: 2 },
      ])
    })

    it('is NULL where the denominator is 0 (division by zero does not fail the query)', async () => {
      const h = hub()
      // With phone identities and anonymization, the users of 12-02 and 12-03 are NULL: 0 unique users.
      const phone = new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'phone' })
      const denominator = phone.agg.uniqueUsers(phone.events())
      expect(await denominator.orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', unique_users: 1 },
        { time_aggregation: '2021-11-30', unique_users: 1 },
        { time_aggregation: '2021-12-01', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: 0 },
        { time_aggregation: '2021-12-03', unique_users: 0 },
      ])
      expect(await h.divide(h.agg.uniqueUsers(h.events()), denominator).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', unique_users: 1 },
        { time_aggregation: '2021-11-30', unique_users: 2 },
        { time_aggregation: '2021-12-01', unique_users: 1 },
        { time_aggregation: '2021-12-02', unique_users: null },
        { time_aggregation: '2021-12-03', unique_users: null },
      ])
      // 0 / n is 0, not NULL.
      const none = h.agg.uniqueUsers(h.events().where('session_id', '>', 100), { groupBy: null })
      expect(await h.divide(h.agg.uniqueUsers(h.events(), { groupBy: null }), none).execute()).toEqual([
        { unique_users: null },
      ])
      expect(await h.divide(none, h.agg.uniqueUsers(h.events(), { groupBy: null })).execute()).toEqual([
        { unique_users: 0 },
      ])
    })

    it('aligns on several key columns, in the order of the numerator', async () => {
      const h = hub()
      const groupBy = [{ timeAggregation: '%Y-%m' }, 'day'] as const
      const share = h.divide(h.agg.uniqueUsers(newUsers(h), { groupBy }), h.agg.uniqueUsers(h.events(), { groupBy }))
      const rows = await share.orderBy('day').execute()
      expect(rows).toEqual([
        { time_aggregation: '2021-11', day: '2021-11-29', unique_users: 1 },
        { time_aggregation: '2021-11', day: '2021-11-30', unique_users: 0.5 },
        { time_aggregation: '2021-12', day: '2021-12-01', unique_users: null },
        { time_aggregation: '2021-12', day: '2021-12-02', unique_users: 1 },
        { time_aggregation: '2021-12', day: '2021-12-03', unique_users: 1 },
      ])
      expect(rows.map((row) => Object.keys(row))).toEqual(rows.map(() => ['time_aggregation', 'day', 'unique_users']))
      // Keys listed in another order are the same keys.
      const reversed = h.agg.uniqueUsers(h.events(), { groupBy: ['day', { timeAggregation: '%Y-%m' }] })
      expect(
        await h
          .divide(h.agg.uniqueUsers(newUsers(h), { groupBy }), reversed)
          .where('day', '=', '2021-11-30')
          .execute(),
      ).toEqual([{ time_aggregation: '2021-11', day: '2021-11-30', unique_users: 0.5 }])
    })

    it('divides single rows (groupBy: null on both), and value columns of different names', async () => {
      const h = hub()
      const early = h.agg.uniqueUsers(h.events().where('session_id', '<=', 3), { groupBy: null })
      const all = h.agg.uniqueUsers(h.events(), { groupBy: null })
      expect(await h.divide(early, all).execute()).toEqual([{ unique_users: 0.5 }])
      // An aggregate of your own: the value is the last column, the others are its keys.
      const events = h.db.selectFrom(h.events().as('e')).select((eb) => [eb.fn.countAll<number>().as('n_events')])
      expect(await h.divide(events, all).execute()).toEqual([{ n_events: 3 }])
      const perDay = h.db
        .selectFrom(h.events().as('e'))
        .select((eb) => [
          eb.cast<string>('e.day', 'text').as('time_aggregation'),
          eb.fn.countAll<number>().as('n_events'),
        ])
        .groupBy('e.day')
      expect(await h.divide(perDay, h.agg.uniqueUsers(h.events())).orderBy('time_aggregation').execute()).toEqual([
        { time_aggregation: '2021-11-29', n_events: 2 },
        { time_aggregation: '2021-11-30', n_events: 2 },
        { time_aggregation: '2021-12-01', n_events: 2 },
        { time_aggregation: '2021-12-02', n_events: 3 },
        { time_aggregation: '2021-12-03', n_events: 1 },
      ])
    })

    it('is one query with a FULL OUTER JOIN', () => {
      const h = hub()
      // The inverse share: b does not count a's rows filtered, so the counts are joined.
      const a = h.agg.uniqueUsers(h.events())
      const b = h.agg.uniqueUsers(newUsers(h))
      const { sql, parameters } = h.divide(a, b).compile()
      // Identifiers are "quoted" on Postgres and `quoted` on BigQuery: compare with one kind of quote.
      const text = sql.replaceAll('`', '"')
      expect(text).toMatch(
        /from "numerator" full join "denominator" on "numerator"\."time_aggregation" = "denominator"\."time_aggregation"/,
      )
      expect(text).toContain('nullif("denominator"."unique_users", 0)')
      expect(parameters).toEqual([...a.compile().parameters, ...b.compile().parameters])
      expect(parameters).toContain(true)
    })

    /** `divide(a, b)` as the FULL OUTER JOIN gives it: `a` wrapped, so divide cannot tell what it counts. */
    const joined = (h: ReturnType<typeof hub>, a: Parameters<ReturnType<typeof hub>['divide']>[0], b: typeof a) =>
      h.divide(h.db.selectFrom(a.as('result')).selectAll('result') as typeof a, b as never)
    // The events table is "data" on Postgres and "events" on BigQuery; no stage is named like it.
    const table = ctx.engine.name === 'bigquery' ? 'events' : 'data'
    const readsOnce = (q: { compile(): { sql: string } }) => {
      const text = q.compile().sql.replaceAll('`', '"')
      return !text.includes(' join "denominator"') && text.split(`from "${table}"`).length === 2
    }
    const sorted = (rows: readonly Record<string, unknown>[]) => rows.map((row) => JSON.stringify(row)).sort()

    it('counts the share of the rows a model counts in one pass, with the rows of the join', async () => {
      const h = hub()
      const all = h.events()
      const cases = [
        [h.agg.uniqueUsers(newUsers(h)), h.agg.uniqueUsers(all)],
        // Filtered twice over a map helper; grouped by several keys; no keys.
        [h.agg.uniqueUsers(newUsers(h).where('session_hit_number', '>', 1)), h.agg.uniqueUsers(all)],
        [
          h.agg.uniqueUsers(all.where('event_type', '=', 'PressEvent'), {
            groupBy: [{ timeAggregation: '%Y-%m' }, 'day'],
          }),
          h.agg.uniqueUsers(all, { groupBy: [{ timeAggregation: '%Y-%m' }, 'day'] }),
        ],
        [
          h.agg.uniqueUsers(all.where('session_id', '<=', 3), { groupBy: null }),
          h.agg.uniqueUsers(all, { groupBy: null }),
        ],
        [
          h.agg.uniqueUsers(all.where('session_id', '>', 100), { groupBy: null }),
          h.agg.uniqueUsers(all, { groupBy: null }),
        ],
      ] as const
      for (const [a, b] of cases) {
        const share = h.divide(a, b as never)
        expect(readsOnce(share)).toBe(true)
        expect(sorted(await share.execute())).toEqual(sorted(await joined(h, a, b).execute()))
      }
      const notebook = await h.divide(cases[0][0], cases[0][1]).orderBy('time_aggregation').execute()
      expect(notebook.map((row) => row.unique_users)).toEqual([1, 0.5, null, 1, 1])
      expect(await h.divide(cases[3][0], cases[3][1]).execute()).toEqual([{ unique_users: 0.5 }])
      expect(await h.divide(cases[4][0], cases[4][1]).execute()).toEqual([{ unique_users: 0 }])
    })

    it('gives a key that is NULL as the join does: once from each side that has it, with a NULL share', async () => {
      const h = hub()
      // Anonymous users (NULL) are not counted; the day of session 2 is NULL.
      const phone = new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'phone', sessionIds: 'sequential' })
      const events = phone.db
        .selectFrom(phone.events().as('events'))
        .select((eb) => [
          'events.moment',
          'events.user_id',
          'events.session_id',
          eb
            .case()
            .when('events.session_id', '=', 2)
            .then(null)
            .else(eb.ref('events.day'))
            .end()
            .$castTo<string | null>()
            .as('day'),
        ])
      const source = phone.db
        .selectFrom(events.as('events'))
        .select(['events.moment', 'events.user_id', 'events.session_id', 'events.day'])
      const byDay = { groupBy: 'day' } as const
      const shares = [
        // Session 2 is in the numerator: its NULL day comes twice.
        phone.divide(
          phone.agg.uniqueUsers(source.where('session_id', '<=', 2), byDay),
          phone.agg.uniqueUsers(source, byDay) as never,
        ),
        // Not in it: once.
        phone.divide(
          phone.agg.uniqueUsers(source.where('session_id', '>', 2), byDay),
          phone.agg.uniqueUsers(source, byDay) as never,
        ),
      ]
      const counts: number[] = []
      for (const share of shares) {
        expect(readsOnce(share)).toBe(true)
        const nullDays = (await share.execute()).filter((row) => row.day === null)
        expect(nullDays.every((row) => row.unique_users === null)).toBe(true)
        counts.push(nullDays.length)
      }
      expect(counts).toEqual([2, 1])
      const a = phone.agg.uniqueUsers(source.where('session_id', '<=', 2), byDay)
      const b = phone.agg.uniqueUsers(source, byDay)
      expect(sorted(await shares[0]!.execute())).toEqual(sorted(await joined(h, a as never, b as never).execute()))
    })

    it('joins the counts when it cannot tell that a counts some of the rows b counts', () => {
      const h = hub()
      const all = h.events()
      const pairs = [
        // Other rows: b over a window of days, a over all of them.
        [h.agg.uniqueUsers(all.where('session_id', '<=', 3)), h.agg.uniqueUsers(h.events({ startDate: '2021-11-30' }))],
        // Another grouping, the same keys.
        [
          h.agg.uniqueUsers(newUsers(h), { groupBy: [{ timeAggregation: '%Y-%m' }, 'day'] }),
          h.agg.uniqueUsers(all, { groupBy: ['day', { timeAggregation: '%Y-%m' }] }),
        ],
        // A filter that reads a subquery.
        [
          h.agg.uniqueUsers(all.where('user_id', 'in', h.db.selectFrom(h.events().as('e')).select('e.user_id'))),
          h.agg.uniqueUsers(all),
        ],
        // The numerator sorted and cut: its rows are not the filtered rows of b.
        [h.agg.uniqueUsers(all.where('session_id', '>', 1).limit(3)), h.agg.uniqueUsers(all)],
      ] as const
      for (const [a, b] of pairs) expect(readsOnce(h.divide(a, b as never))).toBe(false)
    })

    it('names the key columns that are not shared', () => {
      const h = hub()
      const byDay = h.agg.uniqueUsers(h.events())
      const byType = h.agg.uniqueUsers(h.events(), { groupBy: 'event_type' })
      const message =
        'divide: the key columns differ: only in the numerator: "time_aggregation"; only in the denominator: "event_type".'
      expect(() => h.divide(byDay, byType as never)).toThrow(ModelHubInputError)
      expect(() => h.divide(byDay, byType as never)).toThrow(message)
      const bySessionToo = h.agg.uniqueUsers(h.events(), { groupBy: [{ timeAggregation: '%Y-%m-%d' }, 'session_id'] })
      expect(() => h.divide(bySessionToo, byDay as never)).toThrow(
        'only in the numerator: "session_id"; only in the denominator: none.',
      )
      expect(() => h.divide(byDay, h.agg.uniqueUsers(h.events(), { groupBy: null }) as never)).toThrow(
        'only in the numerator: "time_aggregation"; only in the denominator: none.',
      )
      expect(() => h.divide(h.db.selectFrom('data').selectAll() as never, byDay as never)).toThrow(
        /divide numerator input: .*its columns must be known/,
      )
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
