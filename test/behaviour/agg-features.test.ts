import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { EDGE_DATA, EDGE_NAMES, edgeEventId, edgeUserId } from '../fixtures/agg-edge-data.ts'
import { context, OBJECTIV_NICE_NAMES as NICE } from '../fixtures/location-stacks.ts'
import { dataRow, dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine, itOnPostgres } from '../support/engines.ts'
import { planNodeCounts } from '../support/plan.ts'
import { niceNamesPerEvent, verbosePlan } from '../support/verbose-plan.ts'

const WEB = 'objectiv-website'
const DOCS = 'objectiv-docs'
const feature = (application: string, feature_nice_name: string, user_id_nunique = 1) => ({
  application,
  feature_nice_name,
  event_type: 'ClickEvent',
  user_id_nunique,
})
const dropOff = (location: string, value_counts = 1) => ({ location, value_counts })

/**
 * Two stacks with one nice name (their links differ only in `href`, which a name does not show):
 * user 1 clicks both, user 2 one of them, user 3 another link.
 */
const sharedLink = (href: string) => [
  context('WebDocumentContext', '#document'),
  context('LinkContext', 'shared', { href }),
]
const SHARED_DATA = [
  dataRow(edgeEventId(1), '2022-01-01 10:00:00.000', edgeUserId(1), { stack: sharedLink('/a') }),
  dataRow(edgeEventId(2), '2022-01-01 10:01:00.000', edgeUserId(1), { stack: sharedLink('/b') }),
  dataRow(edgeEventId(3), '2022-01-01 10:02:00.000', edgeUserId(2), { stack: sharedLink('/b') }),
  dataRow(edgeEventId(4), '2022-01-01 10:03:00.000', edgeUserId(3), {
    stack: [context('WebDocumentContext', '#document'), context('LinkContext', 'other')],
  }),
]
/**
 * One stack written three ways: its JSON values are equal (1.0 = 1.00 = 1e0), but its text is not, and
 * models group stacks by their text. Users 1 and 2 click it: each counts once.
 */
const scaled = (event: number, user: number, weight: string) => {
  const row = dataTable([
    dataRow(edgeEventId(event), '2022-01-01 10:00:00.000', edgeUserId(user), {
      stack: [context('WebDocumentContext', '#document'), context('LinkContext', 'weighted', { weight: 1 })],
    }),
  ]).rows[0]!
  return { ...row, value: String(row.value).replace('"weight":1}', `"weight":${weight}}`) }
}
const SCALED_DATA = { ...dataTable([]), rows: [scaled(1, 1, '1.0'), scaled(2, 1, '1.00'), scaled(3, 2, '1e0')] }

describeEachEngine(
  'agg.topProductFeatures, topProductFeaturesBeforeConversion, dropOffLocations',
  (ctx) => {
    const hub = (options: { table?: string; identityResolution?: string } = {}) =>
      new ModelHub(ctx.db, {
        engine: ctx.engine,
        globalContexts: ['application'],
        sessionIds: 'sequential',
        ...options,
      })

    it('counts users per application, feature and event type (docs/semantics.md §S7.4 default call)', async () => {
      const h = hub()
      const rows = await h.agg.topProductFeatures(h.events()).execute()
      // All counts are 1, so rows come by application, then feature name in code-point order.
      expect(rows).toEqual([
        ...[308, 312, 304].map((e) => feature(DOCS, NICE[e]!)),
        ...[309, 305, 306, 307, 310, 301, 302, 311, 303].map((e) => feature(WEB, NICE[e]!)),
      ])
    })

    it('names features by a part of the stack, leaving out events where it is empty (docs/semantics.md §S7.4)', async () => {
      const h = hub()
      const rows = await h.agg
        .topProductFeatures(h.events(), { locationStack: (ls) => ls.from({ _type: 'LinkContext' }) })
        .execute()
      expect(rows).toEqual([
        feature(WEB, 'Link: About Us', 2),
        feature(DOCS, 'Link: logo'),
        feature(DOCS, 'Link: notebook-product-analytics'),
        ...[
          'Contact Us',
          'Cookies',
          'Docs',
          'GitHub',
          'cta-docs-location-stack',
          'cta-docs-taxonomy',
          'cta-repo-button',
        ].map((id) => feature(WEB, `Link: ${id}`)),
      ])
    })

    it('filters on the type stack, and takes a text expression or a text column as the feature', async () => {
      const h = hub()
      expect(await h.agg.topProductFeatures(h.events(), { eventType: 'ClickEvent' }).execute()).toHaveLength(12)
      expect(await h.agg.topProductFeatures(h.events(), { eventType: 'AbstractEvent' }).execute()).toHaveLength(12)
      expect(await h.agg.topProductFeatures(h.events(), { eventType: 'PressEvent' }).execute()).toEqual([])
      const byExpression = h.agg.topProductFeatures(h.events().where('user_id', 'is not', null), {
        locationStack: (ls) => ls.get('SectionContext', 'id'),
      })
      expect(await byExpression.execute()).toEqual([
        feature(WEB, 'navbar-top', 4),
        feature(DOCS, 'navbar-top', 2),
        feature(WEB, 'footer'),
        feature(WEB, 'header'),
        feature(WEB, 'main'),
      ])
      const withColumn = h
        .events()
        .select((eb) =>
          sql<string | null>`lower(${h.ls(eb.ref('location_stack')).get('LinkContext', 'id')})`.as('link_id'),
        )
      const byColumn = await h.agg.topProductFeatures(withColumn, { locationStack: 'link_id' }).execute()
      expect(byColumn[0]).toEqual(feature(WEB, 'about us', 2))
      expect(byColumn.map((r) => r.feature_nice_name)).toEqual([
        'about us',
        'logo',
        'notebook-product-analytics',
        'contact us',
        'cookies',
        'cta-docs-location-stack',
        'cta-docs-taxonomy',
        'cta-repo-button',
        'docs',
        'github',
      ])
    })

    it('leaves out NULL features and applications, orders ties by key, and is empty for no events', async () => {
      const h = hub({ table: 'edge' })
      // 'first' has one user (its second event has an empty stack), 'orphan' no application.
      expect(await h.agg.topProductFeatures(h.events()).execute()).toEqual([
        feature(WEB, EDGE_NAMES.alpha, 2),
        feature(WEB, EDGE_NAMES.zeta, 2),
        feature(WEB, EDGE_NAMES.first, 1),
      ])
      expect(await h.agg.topProductFeatures(h.events(), { eventType: 'NonInteractiveEvent' }).execute()).toEqual([
        { application: WEB, feature_nice_name: EDGE_NAMES.first, event_type: 'VisibleEvent', user_id_nunique: 1 },
      ])
      const none = h.events().where('event_type', '=', 'NoSuchEvent')
      expect(await h.agg.topProductFeatures(none).execute()).toEqual([])
    })

    it('counts a user once per feature name, however many stacks have that name', async () => {
      const h = hub({ table: 'shared' })
      expect(await h.agg.topProductFeatures(h.events()).execute()).toEqual([
        feature(WEB, 'Link: shared located at Web Document: #document', 2),
        feature(WEB, 'Link: other located at Web Document: #document', 1),
      ])
      const named = await h.agg
        .topProductFeatures(h.events(), { locationStack: (ls) => ls.from({ _type: 'LinkContext' }) })
        .execute()
      expect(named).toEqual([feature(WEB, 'Link: shared', 2), feature(WEB, 'Link: other', 1)])
    })

    it('counts a user once per feature or last location however the JSON of its stack is written', async () => {
      const h = hub({ table: 'scaled' })
      const written = SCALED_DATA.rows.map((row) => String(row.value).match(/"weight":([^}]*)}/)?.[1])
      expect(written).toEqual(['1.0', '1.00', '1e0'])
      expect(await h.agg.topProductFeatures(h.events()).execute()).toEqual([
        feature(WEB, 'Link: weighted located at Web Document: #document', 2),
      ])
      // The users' last events are on two texts of the stack (1.00 and 1e0): one location, both users.
      expect(await h.agg.dropOffLocations(h.events()).execute()).toEqual([
        dropOff('Link: weighted located at Web Document: #document', 2),
      ])
      expect(await h.agg.dropOffLocations(h.events(), { percentage: true }).execute()).toEqual([
        { location: 'Link: weighted located at Web Document: #document', percentage: 100 },
      ])
    })

    it('returns a query: filter and re-sort the result, leave the input as it was', async () => {
      const h = hub()
      const events = h.events()
      const before = events.compile().sql
      const top = h.agg.topProductFeatures(events, { locationStack: (ls) => ls.from({ _type: 'LinkContext' }) })
      expect(await top.where('user_id_nunique', '>', 1).execute()).toEqual([feature(WEB, 'Link: About Us', 2)])
      const docs = await top
        .where('application', '=', DOCS)
        .clearOrderBy()
        .orderBy('feature_nice_name', 'desc')
        .execute()
      expect(docs.map((r) => r.feature_nice_name)).toEqual(['Link: notebook-product-analytics', 'Link: logo'])
      expect(events.compile().sql).toBe(before)
      expect(await events.execute()).toHaveLength(12)
    })

    it('needs the application column, an event type and a valid location option', () => {
      const plain = new ModelHub(ctx.db, { engine: ctx.engine })
      const untyped = plain.agg as unknown as { topProductFeatures(q: unknown, o?: unknown): unknown }
      expect(() => untyped.topProductFeatures(plain.events())).toThrow(ModelHubInputError)
      expect(() => untyped.topProductFeatures(plain.events())).toThrow(
        'topProductFeatures input columns: got ["event_id","day","moment","event_type","stack_event_types","location_stack","user_id","session_id","session_hit_number"]; an "application" column is needed: open the hub with { globalContexts: ["application"] }',
      )
      const h = hub()
      expect(() => h.agg.topProductFeatures(h.events(), { eventType: '' })).toThrow(
        'eventType: got ""; expected an event type such as "InteractiveEvent" or "PressEvent"',
      )
      expect(() => h.agg.topProductFeatures(h.events(), { locationStack: 42 as never })).toThrow(
        'locationStack: got 42; expected a function such as (ls) => ls.from({ _type: "LinkContext" }), or the name of a text column',
      )
      expect(() => h.agg.topProductFeatures(h.events(), { locationStack: (() => 'x') as never })).toThrow(
        'locationStack: got "x"; the function must return a part of the stack (e.g. ls.from({ _type: "LinkContext" })) or a text expression',
      )
    })

    itOnPostgres(ctx, 'adds no sessionization to the plan of the features and drop-off models', async () => {
      const h = hub()
      const windows = async (q: Parameters<typeof planNodeCounts>[1]) =>
        (await planNodeCounts(ctx.db, q)).WindowAgg ?? 0
      // The same models over a selection without session columns, which cannot be sessionized.
      const narrow = h
        .events()
        .clearSelect()
        .select(['event_id', 'moment', 'user_id', 'event_type', 'stack_event_types', 'location_stack', 'application'])
      expect(await windows(h.agg.topProductFeatures(h.events()))).toBe(await windows(h.agg.topProductFeatures(narrow)))
      expect(await windows(h.agg.dropOffLocations(h.events()))).toBe(await windows(h.agg.dropOffLocations(narrow)))
    })

    itOnPostgres(ctx, 'computes each event location once, however often the models use it', async () => {
      const h = hub().addConversionEvent({ name: 'clicks', eventType: 'ClickEvent' })
      const models = [
        h.agg.topProductFeatures(h.events()),
        h.agg.topProductFeaturesBeforeConversion(h.events(), 'clicks'),
        h.agg.dropOffLocations(h.events(), { groupBy: ['user_id', { timeAggregation: '%Y' }], percentage: true }),
      ]
      for (const model of models) expect(niceNamesPerEvent(await verbosePlan(ctx.db, model))).toBe(1)
    })

    it('counts features strictly before a session first converts (docs/semantics.md §S7.4: real values where Objectiv asserted on an empty result)', async () => {
      const h = hub()
        .addConversionEvent({ name: 'clicks', eventType: 'ClickEvent' })
        .addConversionEvent({
          name: 'main',
          locationStack: (ls) => ls.from({ id: 'main' }),
          eventType: 'ClickEvent',
        })
      // Every session converts at its first hit; 307 and 308 are peers of one moment: nothing before.
      expect(await h.agg.topProductFeaturesBeforeConversion(h.events(), 'clicks').execute()).toEqual([])
      // 302 and 311 convert; only 301 comes before a conversion (311 is its session's first hit).
      expect(await h.agg.topProductFeaturesBeforeConversion(h.events(), 'main').execute()).toEqual([
        { application: WEB, feature_nice_name: NICE[301], event_type: 'ClickEvent', unique_users: 1 },
      ])
    })

    it('counts conversions over every hit, filters the event type after, and takes the feature options', async () => {
      const h = hub().addConversionEvent({
        name: 'github_clicks',
        locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'cta-repo-button' }),
        eventType: 'ClickEvent',
      })
      const before = (options = {}) => h.agg.topProductFeaturesBeforeConversion(h.events(), 'github_clicks', options)
      expect(await before().execute()).toEqual([
        { application: WEB, feature_nice_name: NICE[301], event_type: 'ClickEvent', unique_users: 1 },
        { application: WEB, feature_nice_name: NICE[302], event_type: 'ClickEvent', unique_users: 1 },
      ])
      expect(await before({ locationStack: (ls: any) => ls.from({ _type: 'LinkContext' }) }).execute()).toEqual([
        { application: WEB, feature_nice_name: 'Link: GitHub', event_type: 'ClickEvent', unique_users: 1 },
        {
          application: WEB,
          feature_nice_name: 'Link: cta-docs-location-stack',
          event_type: 'ClickEvent',
          unique_users: 1,
        },
      ])
      expect(await before({ eventType: 'PressEvent' }).execute()).toEqual([])
      // Hits of other sessions never count, even when the selection holds only them.
      const otherSessions = h.events().where('session_id', '!=', 3)
      expect(await h.agg.topProductFeaturesBeforeConversion(otherSessions, 'github_clicks').execute()).toEqual([])
    })

    it('checks the conversion name and the application column at run time', () => {
      const h = hub().addConversionEvent({ name: 'main', locationStack: (ls) => ls.contains({ id: 'main' }) })
      const untyped = h.agg as unknown as { topProductFeaturesBeforeConversion(q: unknown, name: unknown): unknown }
      expect(() => untyped.topProductFeaturesBeforeConversion(h.events(), 'some_name')).toThrow(
        'conversion name: got "some_name"; it is not labeled as a conversion; known conversions: "main"',
      )
      expect(() => untyped.topProductFeaturesBeforeConversion(h.events(), undefined)).toThrow(
        'conversion name: got undefined; it is not labeled as a conversion; known conversions: "main"',
      )
      const plain = new ModelHub(ctx.db, { engine: ctx.engine }).addConversionEvent({
        name: 'main',
        eventType: 'ClickEvent',
      })
      const plainAgg = plain.agg as unknown as {
        topProductFeaturesBeforeConversion(q: unknown, name: unknown): unknown
      }
      expect(() => plainAgg.topProductFeaturesBeforeConversion(plain.events(), 'main')).toThrow(
        /^topProductFeaturesBeforeConversion input columns: got \[.*"session_id","session_hit_number"\]; an "application" column is needed: open the hub with \{ globalContexts: \["application"\] \}$/,
      )
    })

    it('finds the last location of each user (docs/semantics.md §S7.5 drop_off_locations)', async () => {
      const h = hub()
      expect(await h.agg.dropOffLocations(h.events()).execute()).toEqual([
        dropOff(NICE[309]!),
        dropOff(NICE[306]!),
        dropOff(NICE[310]!),
        dropOff(NICE[303]!),
      ])
      expect(await h.agg.dropOffLocations(h.events(), { percentage: true }).execute()).toEqual(
        [309, 306, 310, 303].map((e) => ({ location: NICE[e], percentage: 25 })),
      )
    })

    it('groups by other keys, and takes a part of the stack or a text column as the location (docs/semantics.md §S7.5)', async () => {
      const h = hub()
      expect(await h.agg.dropOffLocations(h.events(), { groupBy: ['user_id', 'day'] }).execute()).toEqual(
        [309, 306, 310, 303, 312, 304].map((e) => dropOff(NICE[e]!)),
      )
      const objectivIo = await h.agg
        .dropOffLocations(h.events(), { locationStack: (ls) => ls.from({ url: 'https://objectiv.io/' }) })
        .execute()
      expect(objectivIo).toEqual([dropOff(NICE[309]!), dropOff(NICE[305]!), dropOff(NICE[303]!)])
      const withLinkId = h
        .events()
        .select((eb) =>
          sql<string | null>`lower(${h.ls(eb.ref('location_stack')).get('LinkContext', 'id')})`.as('link_id'),
        )
      expect(await h.agg.dropOffLocations(withLinkId, { locationStack: 'link_id' }).execute()).toEqual([
        dropOff('about us'),
        dropOff('contact us'),
        dropOff('cta-repo-button'),
        dropOff('docs'),
      ])
      expect(await h.agg.dropOffLocations(h.events(), { groupBy: { timeAggregation: '%Y-%m' } }).execute()).toEqual([
        dropOff(NICE[310]!),
        dropOff(NICE[303]!),
      ])
      expect(await h.agg.dropOffLocations(h.events(), { groupBy: null }).execute()).toEqual([dropOff(NICE[310]!)])
    })

    it('breaks ties on the last moment by the greater event id, skips NULL locations and anonymous users', async () => {
      const h = hub({ table: 'edge' })
      // user 1 ends on an empty stack (skipped), users 2 and 3 end on a tie broken by event id.
      expect(await h.agg.dropOffLocations(h.events()).execute()).toEqual([
        dropOff(EDGE_NAMES.alpha),
        dropOff(EDGE_NAMES.first),
        dropOff(EDGE_NAMES.orphan),
        dropOff(EDGE_NAMES.zeta),
      ])
      const tiedUsers = h.events().where('user_id', 'in', [edgeUserId(2), edgeUserId(3)])
      expect(await h.agg.dropOffLocations(tiedUsers, { groupBy: null }).execute()).toEqual([dropOff(EDGE_NAMES.zeta)])
      expect(await h.agg.dropOffLocations(h.events().where('event_type', '=', 'NoSuchEvent')).execute()).toEqual([])
      // With identities resolved and the unidentified anonymized, only a2b2 and a2b3 are users.
      const identified = hub({ identityResolution: 'email' })
      expect(await identified.agg.dropOffLocations(identified.events(), { percentage: true }).execute()).toEqual([
        { location: NICE[309], percentage: 50 },
        { location: NICE[303], percentage: 50 },
      ])
    })

    it('rejects bad drop-off options with exact messages', () => {
      const h = hub()
      expect(() => h.agg.dropOffLocations(h.events(), { percentage: 'yes' as never })).toThrow(
        'percentage: got "yes"; expected true or false',
      )
      expect(() => h.agg.dropOffLocations(h.events(), { groupBy: 42 as never })).toThrow(
        'groupBy: got 42; expected a column name, { timeAggregation: "%Y-%m" } (optionally with timeZone: "Europe/Amsterdam"), an array of them, or null',
      )
    })
  },
  { data: dataTable(OBJECTIV_DATA), edge: dataTable(EDGE_DATA), shared: dataTable(SHARED_DATA), scaled: SCALED_DATA },
)
