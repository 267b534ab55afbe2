import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { OBJECTIV_NICE_NAMES as NICE } from '../fixtures/location-stacks.ts'
import { dataTable, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

/** docs/semantics.md §S7.5: all 12 events by moment; 308 before 307 (same moment, "Expandable…" < "Link…"). */
const SEQUENCE = [311, 312, 304, 301, 302, 303, 305, 306, 308, 307, 309, 310]
const name = (event: number | undefined): string | null => (event === undefined ? null : (NICE[event] as string))
/** A path of nice names; undefined events are NULL steps. */
const path = (...events: (number | undefined)[]) => events.map(name)
const stepsOf = (row: Record<string, unknown>, prefix = 'location_stack') =>
  Object.keys(row)
    .filter((k) => k.startsWith(`${prefix}_step_`))
    .map((k) => row[k])

describeEachEngine(
  'funnel.navigationPaths',
  (ctx) => {
    const hub = () =>
      new ModelHub(ctx.db, { engine: ctx.engine, globalContexts: ['application'], sessionIds: 'sequential' })

    it('slides a window of 4 steps over all events, ties broken by name (docs/semantics.md §S7.5 ungrouped)', async () => {
      const rows = await hub().funnel.navigationPaths(hub().events(), { steps: 4, by: null }).execute()
      expect(rows).toHaveLength(11)
      expect(rows.map((r) => Object.keys(r))).toEqual(
        rows.map(() => [
          'location_stack_step_1',
          'location_stack_step_2',
          'location_stack_step_3',
          'location_stack_step_4',
        ]),
      )
      expect(rows.map((r) => stepsOf(r))).toEqual(
        SEQUENCE.slice(0, 11).map((_, i) => path(SEQUENCE[i], SEQUENCE[i + 1], SEQUENCE[i + 2], SEQUENCE[i + 3])),
      )
      expect(stepsOf(rows[0]!)).toEqual(path(311, 312, 304, 301))
      expect(stepsOf(rows[9]!)).toEqual(path(307, 309, 310, undefined))
      expect(stepsOf(rows[10]!)).toEqual(path(309, 310, undefined, undefined))
    })

    it('takes the step value from a column, in its own type (docs/semantics.md §S7.5 session_hit_number)', async () => {
      const h = hub()
      const rows = await h.funnel
        .navigationPaths(h.events(), { steps: 2, by: null, locationStack: 'session_hit_number' })
        .execute()
      expect(rows.map((r) => [r.session_hit_number_step_1, r.session_hit_number_step_2])).toEqual([
        [1, 2],
        [2, 1],
        [1, 1],
        [1, 2],
        [2, 3],
        [3, 1],
        [1, 2],
        [2, 1],
        [1, 2],
        [2, 1],
        [1, 1],
      ])
    })

    it('orders by another column with sortBy (docs/semantics.md §S7.5 sort_by event_id)', async () => {
      const h = hub()
      const rows = await h.funnel.navigationPaths(h.events(), { steps: 2, by: null, sortBy: 'event_id' }).execute()
      const ids = [301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312]
      expect(rows.map((r) => stepsOf(r))).toEqual(ids.slice(0, 11).map((e, i) => path(e, ids[i + 1])))
    })

    it('makes paths per session: last events dropped, single-event sessions kept (docs/semantics.md §S7.5 by session_id)', async () => {
      const h = hub()
      const rows = await h.funnel.navigationPaths(h.events(), { steps: 3, by: ['session_id'] }).execute()
      expect(rows.map((r) => [r.session_id, ...stepsOf(r)])).toEqual([
        [1, ...path(311, 312, undefined)],
        [2, ...path(304, undefined, undefined)],
        [3, ...path(301, 302, 303)],
        [3, ...path(302, 303, undefined)],
        [4, ...path(305, 306, undefined)],
        [5, ...path(308, 307, undefined)],
        [6, ...path(309, undefined, undefined)],
        [7, ...path(310, undefined, undefined)],
      ])
    })

    it('is a query to filter on a step (docs/semantics.md §S7.5 step_1 == logo)', async () => {
      const h = hub()
      const rows = await h.funnel
        .navigationPaths(h.events(), { steps: 3, by: null })
        .where('location_stack_step_1', '=', NICE[312]!)
        .execute()
      expect(rows.map((r) => stepsOf(r))).toEqual([path(312, 304, 301)])
    })

    it("follows each user by default and keeps a user's single event", async () => {
      const h = hub()
      const rows = await h.funnel.navigationPaths(h.events(), { steps: 2 }).execute()
      expect(rows.map((r) => [r.user_id, ...stepsOf(r)])).toEqual([
        [userId(1), ...path(304, 305)],
        [userId(1), ...path(305, 306)],
        [userId(2), ...path(311, 312)],
        [userId(2), ...path(312, 301)],
        [userId(2), ...path(301, 302)],
        [userId(2), ...path(302, 303)],
        [userId(3), ...path(308, 307)],
        [userId(3), ...path(307, 309)],
        [userId(4), ...path(310, undefined)],
      ])
      const first = await h.funnel.navigationPaths(h.events(), { steps: 3, nExamples: 1 }).execute()
      expect(first.map((r) => [r.user_id, ...stepsOf(r)])).toEqual([
        [userId(1), ...path(304, 305, 306)],
        [userId(2), ...path(311, 312, 301)],
        [userId(3), ...path(308, 307, 309)],
        [userId(4), ...path(310, undefined, undefined)],
      ])
    })

    /** Objectiv's conversion: events of the website application. Only moment, location_stack and the flag. */
    const websiteConversions = (h: ReturnType<typeof hub>) =>
      h
        .events()
        .clearSelect()
        .select((eb) => [
          eb.ref('moment').as('moment'),
          eb.ref('location_stack').as('location_stack'),
          sql<boolean>`coalesce(${h.gc(eb.ref('application')).get('id')} = 'objectiv-website', false)`.as(
            'is_conversion_event',
          ),
        ])

    it('adds the first converting step (docs/semantics.md §S7.5 add_conversion_step_column, n_examples 3)', async () => {
      const h = hub()
      const rows = await h.funnel
        .navigationPaths(websiteConversions(h), {
          steps: 3,
          by: null,
          addConversionStepColumn: true,
          nExamples: 3,
        })
        .execute()
      expect(rows.map((r) => [...stepsOf(r), r.conversion_step])).toEqual([
        [...path(311, 312, 304), 1],
        [...path(312, 304, 301), 3],
        [...path(304, 301, 302), 2],
      ])
    })

    it('keeps paths up to their conversion (docs/semantics.md §S7.5 only_converted_paths, n_examples 3)', async () => {
      const h = hub()
      const rows = await h.funnel
        .navigationPaths(websiteConversions(h), { steps: 3, by: null, onlyConvertedPaths: true, nExamples: 3 })
        .execute()
      expect(rows.map((r) => stepsOf(r))).toEqual([path(312, 304, 301), path(304, 301, undefined)])
    })

    it('uses a conversion of the hub by name', async () => {
      const h = hub().addConversionEvent({
        name: 'repo',
        locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'cta-repo-button' }),
      })
      const rows = await h.funnel
        .navigationPaths(h.events(), {
          steps: 4,
          conversionName: 'repo',
          onlyConvertedPaths: true,
          addConversionStepColumn: true,
        })
        .execute()
      expect(rows.map((r) => [r.user_id, ...stepsOf(r), r.conversion_step])).toEqual([
        [userId(2), ...path(312, 301, 302, 303), 4],
        [userId(2), ...path(301, 302, 303, undefined), 3],
        [userId(2), ...path(302, 303, undefined, undefined), 2],
      ])
    })

    it('builds paths backwards from each event (docs/semantics.md §S7.5 start_from_end)', async () => {
      const h = hub()
      const rows = await h.funnel.navigationPaths(h.events(), { steps: 4, by: null, startFromEnd: true }).execute()
      expect(rows).toHaveLength(11)
      const at = (i: number) => (i < 0 ? undefined : SEQUENCE[i])
      expect(rows.map((r) => stepsOf(r))).toEqual(
        Array.from({ length: 11 }, (_, i) => path(at(8 - i), at(9 - i), at(10 - i), at(11 - i))),
      )
      expect(stepsOf(rows[0]!)).toEqual(path(308, 307, 309, 310))
      expect(stepsOf(rows[10]!)).toEqual(path(undefined, undefined, 311, 312))
      // The paths that lead to a conversion, since the one before it.
      const led = await h.funnel
        .navigationPaths(websiteConversions(h), {
          steps: 3,
          by: null,
          startFromEnd: true,
          onlyConvertedPaths: true,
          addConversionStepColumn: true,
          nExamples: 4,
        })
        .execute()
      // The last 4 events: 310 and 309 follow a conversion at once (nothing led up to them), 308 is no
      // conversion; 307 was led up to by 308, and 306 before it converted, so that step is blank.
      expect(led.map((r) => [...stepsOf(r), r.conversion_step])).toEqual([[...path(undefined, 308, 307), 3]])
    })

    it('rejects bad options with clear messages', () => {
      const h = hub()
      expect(() => h.funnel.navigationPaths(h.events(), { steps: 0 })).toThrow(ModelHubInputError)
      expect(() => h.funnel.navigationPaths(h.events(), { steps: 2.5 })).toThrow(
        'steps: got 2.5; expected a whole number from 1 to 30',
      )
      expect(() =>
        h.funnel.navigationPaths(h.events().clearSelect().select(['moment', 'location_stack']), {
          steps: 2,
          by: null,
          addConversionStepColumn: true,
        }),
      ).toThrow('The is_conversion_event column is missing in the dataframe')
      expect(() => h.funnel.navigationPaths(h.events(), { steps: 2, nExamples: 0 })).toThrow(
        'nExamples: got 0; expected a whole number of at least 1',
      )
      expect(() => h.funnel.navigationPaths(h.events(), { steps: 2, conversionName: 'nope' as never })).toThrow(
        'conversion name: got "nope"; it is not labeled as a conversion',
      )
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
