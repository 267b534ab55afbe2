import { ModelHub } from '@kysely-modelhub/modelhub'
import { generateSampleEvents } from '@kysely-modelhub/sample-data'
import type { SelectQueryBuilder } from 'kysely'
import { expect, it } from 'vitest'
import { dataTable } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

const QUICKSTART = { id: 'Quickstart Guide', _type: 'LinkContext' }
const GENERATED = [...generateSampleEvents({ events: 500, seed: 20261207 })]

function baseHub(ctx: { db: any; engine: any }, options: { identityResolution?: string } = {}) {
  return new ModelHub(ctx.db, { engine: ctx.engine, table: 'generated', globalContexts: ['application'], ...options })
}

/** The notebook's conversion, and a second one, so each model must find its own flag. */
function twoConversionHub(hub: ReturnType<typeof baseHub>) {
  return hub
    .addConversionEvent({ name: 'quickstart', locationStack: (ls) => ls.from(QUICKSTART), eventType: 'PressEvent' })
    .addConversionEvent({ name: 'presses', eventType: 'PressEvent' })
}
type Hub = ReturnType<typeof twoConversionHub>
type Events = ReturnType<Hub['events']>

/** The events under another alias: the models do not recognise the pipeline and test conversions in place. */
const disguised = (hub: Hub, q: SelectQueryBuilder<any, any, any>) =>
  hub.db.selectFrom(q.as('e')).selectAll('e') as unknown as Events

/** Rows as comparable text, in a fixed order. */
const sorted = (rows: Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))).sort()

/** As the notebook's presses per session: hits (but visible events) before the session's first conversion, of users who converted. */
function hitsPerSession(h: Hub, q: Events, name: 'quickstart' | 'presses') {
  return h.map
    .conversionsCounter(h.map.conversionsInTime(q, name, { as: 'so_far' }), name, { partition: 'user_id', as: 'total' })
    .where('event_type', '!=', 'VisibleEvent')
    .where('total', '>', 0)
    .where('so_far', '=', 0)
    .clearSelect()
    .select(['session_id', (eb) => eb.fn.count<number>('session_hit_number').as('presses')])
    .groupBy('session_id')
}

describeEachEngine(
  'conversion flags: conversions tested as the events are extracted',
  (ctx) => {
    const hubs = {
      plain: () => twoConversionHub(baseHub(ctx)),
      'identities resolved': () => twoConversionHub(baseHub(ctx, { identityResolution: 'email' })),
    }
    for (const [label, open] of Object.entries(hubs)) {
      it(`${label}: models over hub.events() read the flags and give the rows they give testing in place`, async () => {
        const h = open()
        const models = (q: Events) =>
          (['quickstart', 'presses'] as const).flatMap((name) => [
            h.map.isConversionEvent(q, name),
            h.map.conversionsInTime(q, name),
            h.map.conversionsInTime(q, name, { partition: 'user_id' }),
            h.map.conversionsCounter(h.map.isFirstSession(q), name),
            h.map.preConversionHitNumber(q, name),
            h.map.preConversionHitNumber(q, name, { partition: 'user_id' }),
            hitsPerSession(h, q, name),
            h.agg.topProductFeaturesBeforeConversion(q, name, { eventType: 'InteractiveEvent' }),
          ])
        const flagged = models(h.events())
        const inPlace = models(disguised(h, h.events()))
        // Above the stage that flags them, the hits per session read no location stack.
        const presses = h.toSql(hitsPerSession(h, h.events(), 'quickstart'))
        expect(presses.slice(presses.indexOf('__conversion_1'))).not.toContain('location_stack')
        for (const [i, q] of flagged.entries()) {
          expect(h.toSql(q)).toMatch(/__conversion_[12]/)
          expect(h.toSql(inPlace[i]!)).not.toContain('__conversion_')
          const rows = await q.execute()
          expect(rows.length, `model ${i}`).toBeGreaterThan(0)
          expect(Object.keys(rows[0]!).filter((c) => c.startsWith('__'))).toEqual([])
          expect(sorted(rows)).toEqual(sorted(await inPlace[i]!.execute()))
        }
      })
    }

    it('the features before a conversion read the event values computed with the flags, with the rows of computing them in place', async () => {
      const h = twoConversionHub(baseHub(ctx))
      const models = (q: Events) => [
        h.agg.topProductFeaturesBeforeConversion(q, 'quickstart'),
        h.agg.topProductFeaturesBeforeConversion(q, 'presses', { eventType: 'VisibleEvent' }),
      ]
      const carried = models(h.events())
      const inPlace = models(disguised(h, h.events()))
      const [interactive, visible] = carried.map((q) => h.toSql(q))
      // Above the stage that computes the values, the sorts carry them and not the JSON they read.
      expect(interactive).toContain('__event_feature_type')
      expect(interactive!.slice(interactive!.indexOf('__event_application_id'))).not.toContain('stack_event_types')
      // Only the default event type has a value; another is tested in place, the application still read.
      expect(visible).not.toContain('__event_feature_type')
      expect(visible).toContain('__event_application_id')
      for (const q of inPlace) expect(h.toSql(q)).not.toContain('__event_')
      for (const [i, q] of carried.entries()) {
        const rows = await q.execute()
        expect(rows.length, `model ${i}`).toBeGreaterThan(0)
        expect(sorted(rows)).toEqual(sorted(await inPlace[i]!.execute()))
      }
    })

    it('a flag is read only by a conversion of the same definition, whatever its name', async () => {
      const a = twoConversionHub(baseHub(ctx))
      // The same names, other definitions: a's flags must not answer for them.
      const b = baseHub(ctx)
        .addConversionEvent({ name: 'quickstart', eventType: 'VisibleEvent' })
        .addConversionEvent({ name: 'presses', locationStack: (ls) => ls.from(QUICKSTART) })
      const count = (h: typeof a | typeof b, q: Events) =>
        h.agg.uniqueUsers(
          h.map.conversionsCounter(q, 'quickstart', { partition: 'user_id' }).where('converted', '>', 0),
          {
            groupBy: null,
          },
        )
      const ofB = await count(b, b.events() as unknown as Events).execute()
      expect(await count(b, a.events()).execute()).toEqual(ofB)
      expect(await count(a, a.events()).execute()).not.toEqual(ofB)
      expect(b.toSql(count(b, a.events()))).not.toContain('__conversion_')
      // Another name, the same definition: the flag is shared.
      const c = baseHub(ctx).addConversionEvent({
        name: 'guide',
        eventType: 'PressEvent',
        locationStack: (ls) => ls.from(QUICKSTART),
      })
      const guide = c.map.conversionsCounter(a.events(), 'guide', { partition: 'user_id' })
      expect(c.toSql(guide)).toContain('__conversion_1')
      expect(sorted(await guide.execute())).toEqual(
        sorted(await a.map.conversionsCounter(a.events(), 'quickstart', { partition: 'user_id' }).execute()),
      )
    })

    it('a conversion given as a custom expression is tested where it is used, with the same answer', async () => {
      const slice = twoConversionHub(baseHub(ctx))
      const custom = baseHub(ctx).addConversionEvent({
        name: 'quickstart',
        locationStack: (ls) => ls.from(QUICKSTART).isNotEmpty(),
        eventType: 'PressEvent',
      })
      const q = custom.map.conversionsInTime(custom.events(), 'quickstart')
      expect(custom.toSql(q)).not.toContain('__conversion_')
      expect(sorted(await q.execute())).toEqual(
        sorted(await slice.map.conversionsInTime(slice.events(), 'quickstart').execute()),
      )
    })

    it('models that test no conversion export the SQL of a hub without conversions', () => {
      const none = baseHub(ctx)
      const two = twoConversionHub(baseHub(ctx))
      for (const model of [
        (h: typeof none) => h.agg.uniqueUsers(h.events()),
        (h: typeof none) => h.map.isNewUser(h.events()),
        (h: typeof none) => h.agg.sessionDuration(h.map.timeAgg(h.events())),
      ]) {
        expect(two.toSql(model(two as never))).toBe(none.toSql(model(none)))
      }
    })
  },
  { generated: dataTable(GENERATED) },
)
