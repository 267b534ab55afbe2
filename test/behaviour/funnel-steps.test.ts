import { formatTimeJs, ModelHubInputError, parseTimeFormat } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { generateSampleEvents } from '@kysely-modelhub/sample-data'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'
import { POOL, type PoolStep } from '../support/funnel-pool.ts'
import { type FunnelRefEvent, orderedStepsReference } from '../support/funnel-reference.ts'

/** Generated datasets per engine; NIGHTLY=1 tries more, with random seeds. */
const RUNS = process.env.NIGHTLY ? { numRuns: 25 } : { numRuns: 6, seed: 20261128 }

const DAY = '%Y-%m-%d'

describeEachEngine(
  'funnel.orderedSteps',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine })
    type Row = { step: number; n_users: number; step_conversion_rate: number | null; full_conversion_rate: number }
    const counts = (rows: Row[]) => rows.map((r) => r.n_users)

    it('counts equal moments as in order, either way round (307/308)', async () => {
      const h = hub()
      const overlay = { _type: 'OverlayContext', id: 'hamburger-menu' }
      const footer = { _type: 'SectionContext', id: 'footer' }
      const forward = await h.funnel.orderedSteps(h.events(), { steps: [overlay, footer] }).execute()
      expect(forward).toEqual([
        { step: 1, n_users: 4, step_conversion_rate: 1, full_conversion_rate: 1 },
        { step: 2, n_users: 1, step_conversion_rate: 0.25, full_conversion_rate: 0.25 },
      ])
      const backward = await h.funnel.orderedSteps(h.events(), { steps: [footer, overlay] }).execute()
      expect(counts(backward)).toEqual([1, 1])
      // A window of 0 seconds still holds steps at one moment.
      const instant = await h.funnel.orderedSteps(h.events(), { steps: [footer, overlay], conversionWindowSeconds: 0 })
      expect(counts(await instant.execute())).toEqual([1, 1])
    })

    it('needs a later moment for a repeated step, so one event never counts twice', async () => {
      const h = hub()
      const overlay = { _type: 'OverlayContext', id: 'hamburger-menu' }
      // a2b1 has two hamburger-menu events (305, 306); a2b3's 308 is alone; a2b2 and a2b4 have one each.
      const rows = await h.funnel.orderedSteps(h.events(), { steps: [overlay, { ...overlay }] }).execute()
      expect(rows).toEqual([
        { step: 1, n_users: 4, step_conversion_rate: 1, full_conversion_rate: 1 },
        { step: 2, n_users: 1, step_conversion_rate: 0.25, full_conversion_rate: 0.25 },
      ])
      const thrice = await h.funnel.orderedSteps(h.events(), { steps: [overlay, overlay, overlay] }).execute()
      expect(thrice.map((r) => [r.n_users, r.step_conversion_rate])).toEqual([
        [4, 1],
        [1, 0.25],
        [0, 0],
      ])
    })

    it('limits the time from step 1 to the last step with the conversion window (inclusive)', async () => {
      const h = hub()
      // a2b2: cta-docs-taxonomy (311) on 11-29 10:23:36.286, cta-repo-button (303) one day and 5 ms later.
      const steps = [{ id: 'cta-docs-taxonomy' }, { id: 'cta-repo-button' }]
      const within = (seconds?: number) =>
        h.funnel.orderedSteps(h.events(), { steps, conversionWindowSeconds: seconds }).execute()
      expect(counts(await within())).toEqual([1, 1])
      expect(counts(await within(86_400))).toEqual([1, 0])
      expect(counts(await within(86_400.005))).toEqual([1, 1])
      expect((await within(86_400))[1]).toEqual({
        step: 2,
        n_users: 0,
        step_conversion_rate: 0,
        full_conversion_rate: 0,
      })
    })

    it('groups by the time bucket of the step-1 event', async () => {
      const h = hub()
      const rows = await h.funnel
        .orderedSteps(h.events(), {
          steps: [
            { _type: 'OverlayContext', id: 'hamburger-menu' },
            { _type: 'SectionContext', id: 'footer' },
          ],
          groupBy: { timeAggregation: DAY },
        })
        .execute()
      expect(rows.map((r) => [r.time_aggregation, r.step, r.n_users])).toEqual([
        ['2021-11-30', 1, 1],
        ['2021-11-30', 2, 0],
        ['2021-12-01', 1, 1],
        ['2021-12-01', 2, 0],
        ['2021-12-02', 1, 1],
        ['2021-12-02', 2, 1],
        ['2021-12-03', 1, 1],
        ['2021-12-03', 2, 0],
      ])
      // Each user once, in the day of their first click.
      const byDay = await h.funnel
        .orderedSteps(h.events(), { steps: [(eb) => eb('event_type', '=', 'ClickEvent')], groupBy: 'day' })
        .where('step', '=', 1)
        .execute()
      expect(byDay.map((r) => [r.day, r.n_users])).toEqual([
        ['2021-11-29', 1],
        ['2021-11-30', 1],
        ['2021-12-02', 1],
        ['2021-12-03', 1],
      ])
    })

    it('is empty when nobody starts, and rejects bad options', async () => {
      const h = hub()
      expect(
        await h.funnel.orderedSteps(h.events(), { steps: [{ id: 'nowhere' }, { id: 'cta-repo-button' }] }).execute(),
      ).toEqual([])
      expect(() => h.funnel.orderedSteps(h.events(), { steps: [] })).toThrow(ModelHubInputError)
      expect(() => h.funnel.orderedSteps(h.events(), { steps: [{}] })).toThrow(
        'steps[0]: got {}; expected a location-stack match',
      )
      expect(() => h.funnel.orderedSteps(h.events(), { steps: [{ id: 'x' }], conversionWindowSeconds: -1 })).toThrow(
        'conversionWindowSeconds: got -1; expected a number of seconds, 0 or more',
      )
      expect(() => h.funnel.orderedSteps(h.events(), { steps: [{ id: 'x' }], groupBy: 'user_id' as never })).toThrow(
        '"user_id" is in groupBy but is needed for aggregation',
      )
    })

    let tables = 0
    it('equals the plain TypeScript reference on generated data: windows, repeated steps, equal moments', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 ** 30 }),
          fc.integer({ min: 30, max: 400 }),
          fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 1, maxLength: 4 }),
          fc.constantFrom(undefined, 0, 30, 600, 3600, 86_400),
          // Moments rounded to whole seconds or minutes make many events share a moment.
          fc.constantFrom(1, 1000, 60_000),
          fc.boolean(),
          async (seed, size, picks, windowSeconds, roundMs, daily) => {
            const table = `funnel_generated_${++tables}`
            const rows = [...generateSampleEvents({ events: size, seed })].map((r) => {
              const moment = new Date(Math.floor(r.moment.getTime() / roundMs) * roundMs)
              return { ...r, moment, value: { ...r.value, time: moment.getTime() } }
            })
            await ctx.addTables({ [table]: dataTable(rows) })
            const h = new ModelHub(ctx.db, { engine: ctx.engine, table })
            const steps = picks.map((i) => POOL[i] as PoolStep)
            const got = await h.funnel
              .orderedSteps(h.events(), {
                steps: steps.map((s) => s.step),
                conversionWindowSeconds: windowSeconds,
                groupBy: daily ? { timeAggregation: DAY } : null,
              })
              .execute()
            const expected = orderedStepsReference(
              rows.map(
                (r): FunnelRefEvent => ({
                  user: r.cookie_id,
                  moment: r.moment,
                  key: daily ? formatTimeJs(r.moment, parseTimeFormat(DAY)) : '',
                  matches: steps.map((s) => s.js(r)),
                }),
              ),
              { repeats: steps.map((s, i) => steps.slice(0, i).some((e) => e.id === s.id)), windowSeconds },
            )
            expect(
              got.map((r) => [daily ? (r as { time_aggregation?: string }).time_aggregation : '', r.step, r.n_users]),
            ).toEqual(expected.map((r) => [r.key, r.step, r.n_users]))
            got.forEach((r, i) => {
              const e = expected[i]!
              if (e.step_conversion_rate === null) expect(r.step_conversion_rate).toBeNull()
              else expect(r.step_conversion_rate).toBeCloseTo(e.step_conversion_rate, 9)
              expect(r.full_conversion_rate).toBeCloseTo(e.full_conversion_rate, 9)
            })
          },
        ),
        {
          ...RUNS,
          // Always also: a step repeated three times, repeats around another step on minute-rounded
          // moments (many ties), and a zero-second window.
          examples: [
            [7, 400, [5, 5, 5], 600, 1000, false],
            [11, 400, [0, 5, 0, 2], undefined, 60_000, true],
            [3, 300, [6, 5, 6], 0, 1000, false],
          ],
        },
      )
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
