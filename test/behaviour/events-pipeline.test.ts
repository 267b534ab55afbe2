import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { dataRow, dataTable, eventId, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** docs/semantics.md §S7.3 test_pipelines_sessionized_data: (user, event, moment), gap 180 s. */
const SYNTHETIC = [
  [1, 1, '2021-12-01 10:23:36'],
  [1, 2, '2021-12-01 10:24:40'],
  [1, 3, '2021-12-01 10:28:40'],
  [1, 4, '2021-12-02 10:23:36'],
  [2, 5, '2021-12-02 10:23:36'],
  [2, 6, '2021-12-02 10:24:23'],
].map(([user, event, moment]) => dataRow(uuid(event as number), moment as string, uuid(100 + (user as number))))

/** docs/semantics.md §S7.3 test_pipelines_identity_resolution. */
const identity = (id: string, value: string) => ({ _type: 'IdentityContext', id, value })
const app = { _type: 'ApplicationContext', id: 'app' }
const IDENTITY = [
  dataRow(uuid(301), '2021-12-01 10:23:36', userId(1), { contexts: [app] }),
  dataRow(uuid(302), '2021-12-01 10:23:36', userId(1), { contexts: [identity('email', 'user_1@objectiv.io')] }),
  dataRow(uuid(303), '2021-12-01 10:23:36', userId(1), { contexts: [] }),
  dataRow(uuid(304), '2021-12-02 11:23:36', userId(1), {
    contexts: [identity('email', 'user_2@objectiv.io'), identity('username', 'user_2')],
  }),
  dataRow(uuid(305), '2021-12-01 01:23:36', userId(2), { contexts: [] }),
]

/** Edge cases: an exact-gap continuation, midnight and month-end crossings, ties, odd stacks. */
const EDGES = [
  dataRow(uuid(1), '2022-01-31 23:50:00', uuid(901), { stack: [] }),
  dataRow(uuid(2), '2022-02-01 00:20:00', uuid(901), { stack: [{ _type: 'RootLocationContext', id: 'home' }] }), // gap = 1800 s exactly
  dataRow(uuid(3), '2022-02-01 00:50:00.001', uuid(901)), // 1800.001 s: a new session
  dataRow(uuid(5), '2022-02-01 00:50:00.001', uuid(902), { contexts: [] }), // same moment, other user
  dataRow(uuid(4), '2022-02-01 00:50:00.001', uuid(903)),
  dataRow(uuid(6), '2022-02-01 00:50:00.001', uuid(903)), // tie with 4 in moment: event_id breaks it
]

// A NULL location stack cannot come from the collector, but a hand-loaded table may hold one.
const NULL_STACK = dataRow(uuid(7), '2022-02-01 00:00:00', uuid(904))
NULL_STACK.value.location_stack = null

const TABLES = {
  data: dataTable(OBJECTIV_DATA),
  data_jsonb: dataTable(OBJECTIV_DATA, 'jsonb'),
  synthetic: dataTable(SYNTHETIC),
  identity_data: dataTable(IDENTITY),
  edges: dataTable(EDGES),
  empty: dataTable([]),
  null_stack: dataTable([NULL_STACK]),
}

describeEachEngine(
  'events() pipeline',
  (ctx) => {
    // Objectiv's numbering on every engine (BigQuery's default, 'daily', is tested below).
    const hub = (options: ConstructorParameters<typeof ModelHub>[1] = {}) =>
      new ModelHub(ctx.db, { engine: ctx.engine, sessionIds: 'sequential', ...options })
    const byEvent = <R extends { event_id: string }>(rows: R[]) =>
      [...rows].sort((a, b) => a.event_id.localeCompare(b.event_id))

    it("sessionizes Objectiv's 12 events exactly as Objectiv does (gap 1800 and 180)", async () => {
      for (const sessionGapSeconds of [1800, 180]) {
        for (const table of ['data', 'data_jsonb']) {
          const rows = byEvent(await hub({ sessionGapSeconds, table }).events().execute())
          expect(rows.map((r) => r.event_id)).toEqual([...Array(12).keys()].map((i) => eventId(301 + i)))
          expect(rows.map((r) => r.session_id)).toEqual([3, 3, 3, 2, 4, 4, 5, 5, 6, 7, 1, 1])
          expect(rows.map((r) => r.session_hit_number)).toEqual([1, 2, 3, 1, 1, 2, 1, 2, 1, 1, 1, 2])
        }
      }
    })

    it('returns every column with its documented JS type', async () => {
      const rows = await hub({ globalContexts: ['application', 'cookie_id', 'marketing'] })
        .events()
        .where('event_id', '=', eventId(307))
        .execute()
      expect(rows).toEqual([
        {
          event_id: eventId(307),
          day: '2021-12-02',
          moment: new Date('2021-12-02T10:23:36.281Z'),
          user_id: userId(3),
          event_type: 'ClickEvent',
          stack_event_types: ['AbstractEvent', 'ClickEvent', 'InteractiveEvent'],
          location_stack: OBJECTIV_DATA[6]?.value.location_stack,
          session_id: 5,
          session_hit_number: 1,
          application: [{ _type: 'ApplicationContext', id: 'objectiv-website' }],
          cookie_id: [{ _type: 'CookieIdContext', id: userId(3), cookie_id: userId(3) }],
          marketing: [],
        },
      ])
    })

    it('applies an inclusive date window before sessionization', async () => {
      const rows = byEvent(await hub().events({ startDate: '2021-12-01', endDate: '2021-12-02' }).execute())
      expect(rows.map((r) => [r.event_id.slice(-3), r.day, r.session_id, r.session_hit_number])).toEqual([
        ['305', '2021-12-01', 1, 1],
        ['306', '2021-12-01', 1, 2],
        ['307', '2021-12-02', 2, 1],
        ['308', '2021-12-02', 2, 2],
        ['309', '2021-12-02', 3, 1],
      ])
      const fromStart = byEvent(await hub().events({ startDate: '2021-12-01' }).execute())
      expect(fromStart.map((r) => r.event_id.slice(-3))).toEqual(['305', '306', '307', '308', '309', '310'])
    })

    it('builds each window once per hub, and keeps each window its own rows', async () => {
      const one = hub()
      const ids = async (window: { startDate?: string; endDate?: string }) =>
        byEvent(await one.events(window).execute()).map((r) => r.event_id.slice(-3))
      const december = { startDate: '2021-12-01', endDate: '2021-12-02' }
      expect(one.events(december)).toBe(one.events({ ...december }))
      expect(one.events(december)).not.toBe(one.events({ startDate: '2021-12-01' }))
      // A hub with another conversion builds its own pipeline.
      const converting = one.addConversionEvent({ name: 'presses', eventType: 'PressEvent' })
      expect(converting.events(december)).not.toBe(one.events(december))
      expect(await ids(december)).toEqual(['305', '306', '307', '308', '309'])
      expect(await ids({ startDate: '2021-12-01' })).toEqual(['305', '306', '307', '308', '309', '310'])
      expect(await ids(december)).toEqual(['305', '306', '307', '308', '309'])
      // Past the windows it keeps, a hub starts again and still answers each window.
      for (let day = 1; day <= 20; day++) one.events({ endDate: `2022-01-${String(day).padStart(2, '0')}` })
      expect(await ids(december)).toEqual(['305', '306', '307', '308', '309'])
    })

    it('numbers sessions over all users chronologically, ties broken by event_id (docs/semantics.md §S7.3, gap 180)', async () => {
      const rows = byEvent(await hub({ table: 'synthetic', sessionGapSeconds: 180 }).events().execute())
      expect(rows.map((r) => r.session_id)).toEqual([1, 1, 2, 3, 4, 4])
      expect(rows.map((r) => r.session_hit_number)).toEqual([1, 2, 1, 1, 1, 2])
    })

    it("resolves identities to each cookie's latest, without anonymizing (docs/semantics.md §S7.3)", async () => {
      const rows = byEvent(
        await hub({ identityResolution: 'email', anonymizeUnidentifiedUsers: false }).events().execute(),
      )
      const [f2, f3] = ['fake2@objectiv.io|email', 'fake3@objectiv.io|email']
      expect(rows.map((r) => r.user_id)).toEqual([
        f2,
        f2,
        f2,
        userId(1),
        userId(1),
        userId(1),
        f3,
        f3,
        f3,
        userId(4),
        f2,
        f2,
      ])
    })

    it('resolves on phone and anonymizes the rest after merging sessions (docs/semantics.md §S7.3)', async () => {
      const phone = '123456789|phone'
      const resolved = hub({ identityResolution: 'phone', sessionGapSeconds: 180 })
      const rows = byEvent(await resolved.events().execute())
      expect(rows.map((r) => r.user_id)).toEqual([...Array(6).fill(phone), null, null, null, null, phone, phone])
      expect(rows.map((r) => r.session_id)).toEqual([2, 2, 2, 2, 3, 3, 4, 4, 5, 6, 1, 1])
      expect(rows.map((r) => r.session_hit_number)).toEqual([2, 3, 4, 1, 1, 2, 1, 2, 1, 1, 1, 2])
    })

    it('takes the latest identity of a cookie, and the first matching context of an event', async () => {
      const email = byEvent(await hub({ table: 'identity_data', identityResolution: 'email' }).events().execute())
      expect(email.map((r) => r.user_id)).toEqual([...Array(4).fill('user_2@objectiv.io|email'), null])
      const kept = hub({ table: 'identity_data', identityResolution: 'email', anonymizeUnidentifiedUsers: false })
      expect(byEvent(await kept.events().execute()).map((r) => r.user_id)).toEqual([
        ...Array(4).fill('user_2@objectiv.io|email'),
        userId(2),
      ])
      const username = byEvent(await hub({ table: 'identity_data', identityResolution: 'username' }).events().execute())
      expect(username.map((r) => r.user_id)).toEqual([...Array(4).fill('user_2|username'), null])
    })

    it('keeps a gap equal to the threshold in the session, across midnight and a month end', async () => {
      const rows = byEvent(
        await hub({ table: 'edges', globalContexts: ['application'] })
          .events()
          .execute(),
      )
      expect(
        rows.map((r) => [r.event_id.slice(-1), r.user_id?.slice(-3), r.day, r.session_id, r.session_hit_number]),
      ).toEqual([
        ['1', '901', '2022-01-31', 1, 1],
        ['2', '901', '2022-02-01', 1, 2],
        ['3', '901', '2022-02-01', 2, 1],
        ['4', '903', '2022-02-01', 3, 1],
        ['5', '902', '2022-02-01', 4, 1],
        ['6', '903', '2022-02-01', 3, 2],
      ])
      expect(rows.map((r) => r.location_stack)).toEqual([
        [],
        [{ _type: 'RootLocationContext', id: 'home' }],
        [],
        [],
        [],
        [],
      ])
      expect(rows.map((r) => r.application?.length)).toEqual([1, 1, 1, 1, 0, 1])
    })

    it('starts sessions anew when the date window cuts one', async () => {
      const rows = byEvent(await hub({ table: 'edges' }).events({ startDate: '2022-02-01' }).execute())
      expect(rows.map((r) => [r.event_id.slice(-1), r.session_id, r.session_hit_number])).toEqual([
        ['2', 1, 1],
        ['3', 2, 1],
        ['4', 3, 1],
        ['5', 4, 1],
        ['6', 3, 2],
      ])
    })

    it('knows the engine of a Kysely made by createPgliteDb or createPostgresDb', async () => {
      const inferred = new ModelHub(ctx.db)
      expect(inferred.engine).toBe(ctx.engine)
      expect((await inferred.events().execute()).length).toBe(12)
    })

    it("numbers sessions by day with sessionIds: 'daily' (BigQuery's default): same sessions, same order", async () => {
      expect(new ModelHub(ctx.db).settings.sessionIds).toBe(ctx.engine.name === 'bigquery' ? 'daily' : 'sequential')
      for (const table of ['data', 'synthetic', 'edges', 'identity_data']) {
        const options = { table, sessionGapSeconds: 180, identityResolution: 'email' } as const
        const daily = byEvent(
          await hub({ ...options, sessionIds: 'daily' })
            .events()
            .execute(),
        )
        const sequential = byEvent(await hub(options).events().execute())
        expect(daily.map(({ session_id, ...rest }) => rest)).toEqual(sequential.map(({ session_id, ...rest }) => rest))
        // The session's first event's UTC day × 10⁹ + its number among that day's sessions, from 1.
        const firsts = sequential.filter((r) => r.session_hit_number === 1).sort((a, b) => a.session_id - b.session_id)
        const expected = new Map<number, number>()
        for (const [i, first] of firsts.entries()) {
          const day = Math.floor(first.moment.getTime() / 86_400_000)
          const before = firsts.slice(0, i).filter((f) => Math.floor(f.moment.getTime() / 86_400_000) === day).length
          expected.set(first.session_id, day * 1e9 + before + 1)
        }
        expect(daily.map((r) => r.session_id)).toEqual(sequential.map((r) => expected.get(r.session_id)))
      }
      const [first] = await hub({ sessionIds: 'daily' })
        .events()
        .where('session_hit_number', '=', 1)
        .orderBy('session_id')
        .execute()
      expect(first?.session_id).toBe(18_960_000_000_001) // 2021-11-29 is day 18960 since 1970-01-01
    })

    it('returns no rows for an empty table, and a NULL stack as NULL', async () => {
      expect(await hub({ table: 'empty' }).events().execute()).toEqual([])
      const [row] = await hub({ table: 'null_stack' }).events().execute()
      expect(row?.location_stack).toBeNull()
    })

    it('is an ordinary query builder: filter, select and group on it', async () => {
      const q = hub({ globalContexts: ['application'] }).events()
      const rows = await ctx.db
        .selectFrom(q.where('event_type', '=', 'ClickEvent').as('e'))
        .select(['e.session_id', (eb) => eb.fn.countAll<number>().as('hits')])
        .groupBy('e.session_id')
        .orderBy('e.session_id')
        .execute()
      expect(rows).toEqual([
        { session_id: 1, hits: 2 },
        { session_id: 2, hits: 1 },
        { session_id: 3, hits: 3 },
        { session_id: 4, hits: 2 },
        { session_id: 5, hits: 2 },
        { session_id: 6, hits: 1 },
        { session_id: 7, hits: 1 },
      ])
    })
  },
  TABLES,
)
