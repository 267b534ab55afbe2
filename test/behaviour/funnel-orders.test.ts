import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { FUNNEL_ORDERS_DATA } from '../fixtures/funnel-orders-data.ts'
import { dataTable, userId } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

const [a, b, c] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
const user = (n: number) => userId(n)

describeEachEngine(
  'funnel orders and time to convert, on hand-made events',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine })
    const counts = async (options: Parameters<ModelHub<any>['funnel']['orderedSteps']>[1]) => {
      const h = hub()
      return (await h.funnel.orderedSteps(h.events(), options).execute()).map((r) => r.n_users)
    }

    it('ordered (the default) allows other events between steps', async () => {
      expect(await counts({ steps: [a, b, c] })).toEqual([8, 7, 4])
      expect(await counts({ steps: [a, b, c], order: 'ordered' })).toEqual([8, 7, 4])
      expect(await counts({ steps: [a, a, b] })).toEqual([8, 2, 1])
    })

    it('strict allows no other event between steps; a tie is not in between', async () => {
      // 1: x between a and b; 5: x at a's moment still converts; 6: the second attempt reaches b.
      expect(await counts({ steps: [a, b, c], order: 'strict' })).toEqual([8, 6, 2])
      const h = hub()
      const rows = await h.funnel.orderedSteps(h.events(), { steps: [a, b, c], order: 'strict' }).execute()
      expect(rows[1]).toEqual({ step: 2, n_users: 6, step_conversion_rate: 0.75, full_conversion_rate: 0.75 })
      // A repeated step must be the very next moment: nobody has two a's in a row at different moments.
      expect(await counts({ steps: [a, a, b], order: 'strict' })).toEqual([8, 0, 0])
    })

    it('unordered counts steps done in any order, within the window from the first of them', async () => {
      expect(await counts({ steps: [a, b, c], order: 'unordered' })).toEqual([9, 8, 6])
      // 7: c, a, b a minute apart: all three only with 120 seconds (inclusive).
      expect(await counts({ steps: [a, b, c], order: 'unordered', conversionWindowSeconds: 119.999 })).toEqual([
        9, 8, 5,
      ])
      expect(await counts({ steps: [a, b, c], order: 'unordered', conversionWindowSeconds: 120 })).toEqual([9, 8, 6])
      // A step listed twice needs two moments: 8's two a's at one moment count once, 6's and 9's twice.
      expect(await counts({ steps: [a, a, b], order: 'unordered' })).toEqual([9, 8, 2])
    })

    it('groups an unordered funnel by the first step event of the best attempt', async () => {
      const h = hub()
      const rows = await h.funnel
        .orderedSteps(h.events(), { steps: [c, b], order: 'unordered', groupBy: { timeAggregation: '%H:%M' } })
        .execute()
      // 7 starts at 10:00 (c); every other user's first b or c is at 10:00 too.
      expect(rows.map((r) => [r.time_aggregation, r.step, r.n_users])).toEqual([
        ['10:00', 1, 9],
        ['10:00', 2, 6],
      ])
    })

    it('times the best attempt from fromStep to toStep', async () => {
      const h = hub()
      const times = (options: Parameters<ModelHub<any>['funnel']['timeToConvert']>[1]) =>
        h.funnel
          .timeToConvert(h.events(), options)
          .execute()
          .then((rows) => rows.map((r) => [r.user_id, r.seconds]))
      expect(await times({ steps: [a, b, c] })).toEqual([
        [user(1), 30],
        [user(2), 7],
        [user(5), 1],
        [user(6), 6],
      ])
      expect(await times({ steps: [a, b, c], fromStep: 2 })).toEqual([
        [user(1), 10],
        [user(2), 2],
        [user(5), 0],
        [user(6), 4],
      ])
      expect(await times({ steps: [a, b, c], toStep: 2 })).toEqual([
        [user(1), 20],
        [user(2), 5],
        [user(5), 1],
        [user(6), 2],
        [user(7), 60],
        [user(8), 1],
        [user(9), 1],
      ])
      // Within 5 seconds, 6's second attempt (a at 3, c at 6) is the one that converts.
      expect(await times({ steps: [a, b, c], conversionWindowSeconds: 5 })).toEqual([
        [user(5), 1],
        [user(6), 3],
      ])
      expect(await times({ steps: [a, b, c], order: 'strict' })).toEqual([
        [user(2), 7],
        [user(5), 1],
      ])
      expect(await times({ steps: [a, b, c], order: 'strict', toStep: 2 })).toEqual([
        [user(2), 5],
        [user(5), 1],
        [user(6), 1],
        [user(7), 60],
        [user(8), 1],
        [user(9), 1],
      ])
    })

    it('rejects a bad order, fromStep or toStep, naming the valid values', () => {
      const h = hub()
      expect(() => h.funnel.orderedSteps(h.events(), { steps: [a], order: 'any' as never })).toThrow(
        'order: got "any"; expected one of "ordered", "strict", "unordered"',
      )
      expect(() => h.funnel.timeToConvert(h.events(), { steps: [a, b], order: 'unordered' as never })).toThrow(
        'order: got "unordered"; expected one of "ordered", "strict" (an unordered funnel has no step order to time)',
      )
      expect(() => h.funnel.timeToConvert(h.events(), { steps: [a, b, c], fromStep: 3 })).toThrow(
        'fromStep: got 3; expected a whole number from 1 to 2',
      )
      expect(() => h.funnel.timeToConvert(h.events(), { steps: [a, b, c], fromStep: 2, toStep: 2 })).toThrow(
        'toStep: got 2; expected 3',
      )
      expect(() => h.funnel.timeToConvert(h.events(), { steps: [a, b, c], toStep: 1.5 })).toThrow(
        'toStep: got 1.5; expected a whole number from 2 to 3',
      )
      expect(() => h.funnel.timeToConvert(h.events(), { steps: [a] })).toThrow(
        'steps: got [{"id":"a"}]; expected 2 to 20 steps',
      )
    })
  },
  { data: dataTable(FUNNEL_ORDERS_DATA) },
)
