import { ModelHub } from '@kysely-modelhub/modelhub'
import { generateSampleEvents } from '@kysely-modelhub/sample-data'
import type { SelectQueryBuilder } from 'kysely'
import { expect, it } from 'vitest'
import { STORED, wholePipeline, withSessionKeys } from '../../packages/modelhub/src/pipeline/session-keys.ts'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine, describeEachPostgres } from '../support/engines.ts'
import { planShape } from '../support/plan.ts'

const QUICKSTART = { id: 'Quickstart Guide', _type: 'LinkContext' }
const GENERATED = [...generateSampleEvents({ events: 500, seed: 20261128 })]

type Hub = ReturnType<typeof quickstartHub>
function quickstartHub(hub: ModelHub<any, readonly ['application']>) {
  return hub.addConversionEvent({
    name: 'quickstart',
    locationStack: (ls) => ls.from(QUICKSTART),
    eventType: 'PressEvent',
  })
}

/**
 * Over hub.events() the session models read the pipeline's session keys instead of session_id.
 * The same model over a query the hub does not recognise as its pipeline (the events under
 * another alias) reads session_id, so the two must give the same rows.
 */
const disguised = (hub: Hub, q: SelectQueryBuilder<any, any, any>) =>
  hub.db.selectFrom(q.as('e')).selectAll('e') as unknown as ReturnType<Hub['events']>

/** Rows as comparable text, in a fixed order; floats to 12 digits (sums may add in another order). */
const sorted = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) =>
      JSON.stringify(
        Object.entries(r)
          .map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(12)) : v])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ),
    )
    .sort()

describeEachEngine(
  'session keys: models over hub.events() equal the same models over session_id',
  (ctx) => {
    const hubs = {
      generated: () =>
        quickstartHub(
          new ModelHub(ctx.db, { engine: ctx.engine, table: 'generated', globalContexts: ['application'] }),
        ),
      // Identities resolved and the unidentified anonymized: user_id is NULL on their events.
      anonymized: () =>
        quickstartHub(
          new ModelHub(ctx.db, { engine: ctx.engine, globalContexts: ['application'], identityResolution: 'email' }),
        ),
    }

    for (const [name, open] of Object.entries(hubs)) {
      // Filtered events: the first session left is not the user's first, so min over the user counts.
      const sources = {
        'hub.events()': (h: Hub) => h.events(),
        'hub.events() filtered': (h: Hub) => h.events().where('event_type', '!=', 'VisibleEvent'),
        // The latest events: users' first sessions cut off (ordered, so both sides keep the same rows).
        'hub.events() latest': (h: Hub) => h.events().orderBy('moment', 'desc').orderBy('event_id').limit(300),
      }
      for (const [source, events] of Object.entries(sources)) {
        it(`${name}, ${source}: map helpers give the same rows and no key columns`, async () => {
          const h = open()
          const models = (q: ReturnType<Hub['events']>) => [
            h.map.isNewUser(q),
            h.map.isFirstSession(q),
            h.map.conversionsInTime(q, 'quickstart'),
            h.map.conversionsCounter(h.map.conversionsInTime(q, 'quickstart'), 'quickstart'),
            h.map.isNewUser(h.map.isFirstSession(q)).where('is_new_user', '=', true),
            h.map.preConversionHitNumber(q, 'quickstart'),
            h.map.preConversionHitNumber(h.map.isFirstSession(q), 'quickstart'),
          ]
          const keyed = models(events(h))
          const plain = models(disguised(h, events(h)))
          expect(keyed.every((q) => withSessionKeys(q) !== undefined)).toBe(true)
          expect(plain.every((q) => withSessionKeys(q) === undefined)).toBe(true)
          for (const [i, q] of keyed.entries()) {
            const rows = await q.execute()
            expect(rows.length).toBeGreaterThan(0)
            expect(Object.keys(rows[0]!).filter((c) => c.startsWith('__'))).toEqual([])
            expect(sorted(rows)).toEqual(sorted(await plain[i]!.execute()))
          }
        })

        it(`${name}, ${source}: map helpers over the stored moment and user give the same rows`, async () => {
          const h = open()
          const models = (q: ReturnType<Hub['events']>) => [
            h.map.timeAgg(q),
            h.map.timeAgg(q, { timeAggregation: '%Y-%m %H:%M', timeZone: 'Asia/Kolkata' }),
            h.map.timeAgg(h.map.conversionsInTime(q, 'quickstart')),
            h.map.conversionsCounter(q, 'quickstart', { partition: 'user_id' }),
            h.map.conversionsInTime(q, 'quickstart', { partition: 'user_id' }),
            h.map.conversionsCounter(h.map.conversionsInTime(q, 'quickstart'), 'quickstart', { partition: 'user_id' }),
          ]
          const plain = models(disguised(h, events(h)))
          for (const [i, q] of models(events(h)).entries()) {
            expect(h.toSql(q)).toMatch(new RegExp(`${STORED.moment}|${STORED.user_id}`))
            const rows = await q.execute()
            expect(rows.length).toBeGreaterThan(0)
            expect(Object.keys(rows[0]!).filter((c) => c.startsWith('__'))).toEqual([])
            expect(sorted(rows)).toEqual(sorted(await plain[i]!.execute()))
          }
        })

        it(`${name}, ${source}: session aggregates give the same rows`, async () => {
          const h = open()
          const models = (q: ReturnType<Hub['events']>) => [
            h.agg.sessionDuration(q),
            h.agg.sessionDuration(q, { groupBy: 'event_type', excludeBounces: false }),
            h.agg.sessionDuration(q, { groupBy: null, method: 'sum' }),
            h.agg.topProductFeaturesBeforeConversion(q, 'quickstart', { eventType: 'InteractiveEvent' }),
            h.agg.frequency(q),
            h.agg.uniqueSessions(q),
            h.agg.uniqueSessions(q, { groupBy: { timeAggregation: '%d/%m/%Y' } }),
            h.agg.uniqueSessions(q, { groupBy: [{ timeAggregation: '%Y-%m' }] }),
            h.agg.uniqueSessions(q, { groupBy: { timeAggregation: '%Y-%m-%d', timeZone: 'Asia/Kolkata' } }),
            h.agg.uniqueSessions(q, { groupBy: { timeAggregation: '%H' } }),
            // Not session models: these count users as stored (storedEvents) when q is the pipeline.
            h.agg.topProductFeatures(q),
            h.agg.uniqueUsers(q),
            h.agg.dropOffLocations(q),
            h.agg.dropOffLocations(q, { groupBy: { timeAggregation: '%Y-%m-%d' } }),
            h.agg.funnelConversion(q),
            h.agg.funnelConversion(q, { groupBy: 'moment' }),
          ]
          const keyed = models(events(h))
          const plain = models(disguised(h, events(h)))
          for (const [i, q] of keyed.entries()) {
            expect(sorted(await q.execute())).toEqual(sorted(await plain[i]!.execute()))
          }
          expect((await h.agg.topProductFeatures(events(h)).execute()).length).toBeGreaterThan(0)
        })
      }
    }

    it('recognises the pipeline through filters, orders and fewer columns, and nothing else', () => {
      const h = hubs.generated()
      expect(withSessionKeys(h.events())).toBeDefined()
      expect(withSessionKeys(h.events().where('day', '>', '2022-01-01').orderBy('moment').limit(5))).toBeDefined()
      expect(withSessionKeys(h.events().clearSelect().select(['user_id', 'session_id', 'moment']))).toBeDefined()
      expect(withSessionKeys(h.events().groupBy('user_id').clearSelect().select('user_id'))).toBeUndefined()
      expect(withSessionKeys(h.events().select((eb) => eb.val(1).as('one')))).toBeUndefined()
      expect(withSessionKeys(disguised(h, h.events()))).toBeUndefined()
      expect(withSessionKeys(h.db.selectFrom('generated').selectAll())).toBeUndefined()
    })

    it('knows when a query holds every row of the pipeline, and first sessions are key 1', () => {
      const h = hubs.generated()
      expect(wholePipeline(h.events())).toBe(true)
      expect(wholePipeline(h.events().orderBy('moment').clearSelect().select(['user_id', 'moment']))).toBe(true)
      expect(wholePipeline(h.map.isConversionEvent(h.map.isFirstSession(h.events()), 'quickstart'))).toBe(true)
      expect(wholePipeline(h.events().where('event_type', '!=', 'VisibleEvent'))).toBe(false)
      expect(wholePipeline(h.map.isFirstSession(h.events().where('day', '>', '2022-01-01')))).toBe(false)
      expect(wholePipeline(h.events().limit(5))).toBe(false)
      expect(wholePipeline(h.events().offset(5))).toBe(false)
      expect(wholePipeline(h.events().distinct())).toBe(false)
      expect(wholePipeline(disguised(h, h.events().where('day', '>', '2022-01-01')))).toBe(false)
      expect(wholePipeline(h.db.selectFrom('generated').selectAll())).toBe(false)
    })
  },
  { generated: dataTable(GENERATED), data: dataTable(OBJECTIV_DATA) },
)

describeEachPostgres(
  'session keys: plans',
  (ctx) => {
    it('isNewUser, isFirstSession, preConversionHitNumber, sessionDuration, frequency and features before conversion sort the events once', async () => {
      const h = quickstartHub(
        new ModelHub(ctx.db, { engine: ctx.engine, table: 'generated', globalContexts: ['application'] }),
      )
      for (const q of [
        h.agg.uniqueUsers(h.map.isNewUser(h.events()).where('is_new_user', '=', true)),
        h.map.isFirstSession(h.events()).clearSelect().select(['event_id', 'is_first_session']),
        h.map
          .preConversionHitNumber(h.events(), 'quickstart')
          .clearSelect()
          .select(['event_id', 'pre_conversion_hit_number']),
        h.agg.sessionDuration(h.events()),
        h.agg.frequency(h.events()),
        h.agg.topProductFeaturesBeforeConversion(h.events(), 'quickstart'),
      ]) {
        // The per-user sort of sessionization; no sort by (moment, event_id) over all users.
        expect((await planShape(ctx.db, q)).sessionSorts).toBe(1)
      }
    })
  },
  { generated: dataTable(GENERATED) },
)
