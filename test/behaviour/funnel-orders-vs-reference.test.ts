import { formatTimeJs, parseTimeFormat } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { generateSampleEvents, type SampleEventRow } from '@kysely-modelhub/sample-data'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { dataTable } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'
import { funnelReference, type RefOrder, timeToConvertReference } from '../support/funnel-order-reference.ts'
import { POOL, type PoolStep } from '../support/funnel-pool.ts'
import type { FunnelRefEvent } from '../support/funnel-reference.ts'

/** Generated datasets per engine; NIGHTLY=1 tries more, with random seeds. */
const RUNS = process.env.NIGHTLY ? { numRuns: 20 } : { numRuns: 4, seed: 20261206 }
const DAY = '%Y-%m-%d'

describeEachEngine('funnel orders and time to convert against the plain TypeScript reference', (ctx) => {
  let tables = 0

  /** Generated events with moments rounded (to share moments), loaded, and the steps picked from the pool. */
  async function dataset(seed: number, size: number, roundMs: number, picks: readonly number[]) {
    const table = `funnel_orders_${++tables}`
    const rows = [...generateSampleEvents({ events: size, seed })].map((r) => {
      const moment = new Date(Math.floor(r.moment.getTime() / roundMs) * roundMs)
      return { ...r, moment, value: { ...r.value, time: moment.getTime() } }
    })
    await ctx.addTables({ [table]: dataTable(rows) })
    const steps = picks.map((i) => POOL[i] as PoolStep)
    const definitionOf = steps.map((s) => steps.findIndex((e) => e.id === s.id) + 1)
    const events = (daily: boolean) =>
      rows.map(
        (r: SampleEventRow): FunnelRefEvent => ({
          user: r.cookie_id,
          moment: r.moment,
          key: daily ? formatTimeJs(r.moment, parseTimeFormat(DAY)) : '',
          matches: steps.map((s) => s.js(r)),
        }),
      )
    return { hub: new ModelHub(ctx.db, { engine: ctx.engine, table }), steps, definitionOf, events }
  }

  const orders = fc.constantFrom<RefOrder>('ordered', 'strict', 'unordered')
  const windows = fc.constantFrom(undefined, 0, 30, 600, 86_400)
  // Moments rounded to whole seconds or minutes make many events share a moment.
  const rounding = fc.constantFrom(1, 1000, 60_000)
  const picked = fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 2, maxLength: 4 })

  it('orderedSteps in every order equals the reference: ties, repeated steps, windows, groups', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 30, max: 400 }),
        picked,
        orders,
        windows,
        rounding,
        fc.boolean(),
        async (seed, size, picks, order, windowSeconds, roundMs, daily) => {
          const { hub, steps, definitionOf, events } = await dataset(seed, size, roundMs, picks)
          const got = await hub.funnel
            .orderedSteps(hub.events(), {
              steps: steps.map((s) => s.step),
              order,
              conversionWindowSeconds: windowSeconds,
              groupBy: daily ? { timeAggregation: DAY } : null,
            })
            .execute()
          const expected = funnelReference(events(daily), { order, definitionOf, windowSeconds })
          expect(
            got.map((r) => [daily ? (r as { time_aggregation?: string }).time_aggregation : '', r.step, r.n_users]),
          ).toEqual(expected.map((r) => [r.key, r.step, r.n_users]))
        },
      ),
      {
        ...RUNS,
        // Always also: strict and unordered with a step listed three times on minute-rounded moments.
        examples: [
          [7, 400, [5, 5, 5], 'strict', 600, 60_000, false],
          [11, 400, [0, 5, 0, 5], 'unordered', undefined, 60_000, true],
          [3, 300, [6, 5, 6], 'unordered', 0, 1000, false],
        ],
      },
    )
  })

  it('timeToConvert equals the reference for ordered and strict funnels', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 30, max: 400 }),
        picked,
        fc.constantFrom<'ordered' | 'strict'>('ordered', 'strict'),
        windows,
        rounding,
        fc.nat(),
        async (seed, size, picks, order, windowSeconds, roundMs, choice) => {
          const { hub, steps, definitionOf, events } = await dataset(seed, size, roundMs, picks)
          const fromStep = 1 + (choice % (steps.length - 1))
          const toStep = fromStep + 1 + (choice % (steps.length - fromStep))
          const got = await hub.funnel
            .timeToConvert(hub.events(), {
              steps: steps.map((s) => s.step),
              order,
              conversionWindowSeconds: windowSeconds,
              fromStep,
              toStep,
            })
            .execute()
          const expected = timeToConvertReference(events(false), {
            order,
            definitionOf,
            windowSeconds,
            fromStep,
            toStep,
          })
          expect(got.map((r) => r.user_id)).toEqual(expected.map((r) => r.user_id))
          got.forEach((r, i) => {
            expect(r.seconds).toBeCloseTo(expected[i]!.seconds, 6)
          })
        },
      ),
      {
        ...RUNS,
        examples: [
          [7, 400, [0, 5, 5], 'strict', 600, 60_000, 1],
          [1, 54, [0, 0, 0], 'strict', undefined, 1, 0],
          [5, 400, [0, 5, 0, 5], 'strict', undefined, 60_000, 0],
        ],
      },
    )
  })
})
