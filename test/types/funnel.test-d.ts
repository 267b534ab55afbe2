import { sankeyChartSvg } from '@kysely-modelhub/charts'
import { ModelHub, type SankeyLink } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'

const db = createPostgresDb<Record<string, never>>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] }).addConversionEvent({
  name: 'quickstart_presses',
  locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
  eventType: 'PressEvent',
})
type Row<Q> = Q extends { execute(): Promise<(infer R)[]> } ? R : never

describe('funnel types', () => {
  it('types the step columns from the literal steps', () => {
    const q = hub.funnel.navigationPaths(hub.events(), { steps: 3 })
    type R = Row<typeof q>
    expectTypeOf<R>().toEqualTypeOf<{
      user_id: string
      location_stack_step_1: string
      location_stack_step_2: string | null
      location_stack_step_3: string | null
    }>()
    // @ts-expect-error: steps: 3 has no fourth step
    expectTypeOf<R['location_stack_step_4']>().toBeString()
    q.where('location_stack_step_2', '=', 'x')
    // @ts-expect-error: there is no step 0
    q.where('location_stack_step_0', '=', 'x')
  })

  it('types the anchor step as non-null from the end, and adds conversion_step', () => {
    const q = hub.funnel.navigationPaths(hub.events(), {
      steps: 2,
      by: null,
      startFromEnd: true,
      addConversionStepColumn: true,
      conversionName: 'quickstart_presses',
    })
    expectTypeOf<Row<typeof q>>().toEqualTypeOf<{
      location_stack_step_1: string | null
      location_stack_step_2: string
      conversion_step: number | null
    }>()
  })

  it('names and types the steps after a column, and keeps the by columns', () => {
    const q = hub.funnel.navigationPaths(hub.events(), {
      steps: 2,
      by: ['session_id'],
      locationStack: 'session_hit_number',
    })
    expectTypeOf<Row<typeof q>>().toEqualTypeOf<{
      session_id: number
      session_hit_number_step_1: number
      session_hit_number_step_2: number | null
    }>()
    const named = hub.funnel.navigationPaths(hub.events(), {
      steps: 2,
      locationStack: (ls) => sql<string | null>`substr(${ls.niceName()}, 1, 4)`,
    })
    expectTypeOf<Row<typeof named>['location_stack_step_2']>().toEqualTypeOf<string | null>()
  })

  it('rejects misuse at compile time', () => {
    // @ts-expect-error: steps is required
    hub.funnel.navigationPaths(hub.events(), {})
    // @ts-expect-error: steps is a number
    hub.funnel.navigationPaths(hub.events(), { steps: '3' })
    // @ts-expect-error: no such column to partition by
    hub.funnel.navigationPaths(hub.events(), { steps: 2, by: 'visitor' })
    // @ts-expect-error: no such column for the step value
    hub.funnel.navigationPaths(hub.events(), { steps: 2, locationStack: 'feature' })
    // @ts-expect-error: the hub knows no conversion of that name
    hub.funnel.navigationPaths(hub.events(), { steps: 2, conversionName: 'signups' })
    // @ts-expect-error: no such column to sort by
    hub.funnel.navigationPaths(hub.events(), { steps: 2, sortBy: 'when' })
  })

  it('types the ordered-steps funnel and its groups', () => {
    const funnel = hub.funnel.orderedSteps(hub.events(), {
      steps: [{ id: 'Quickstart Guide' }, (eb) => eb('event_type', '=', 'PressEvent')],
      conversionWindowSeconds: 3600,
    })
    expectTypeOf<Row<typeof funnel>>().toEqualTypeOf<{
      step: number
      n_users: number
      step_conversion_rate: number | null
      full_conversion_rate: number
    }>()
    const daily = hub.funnel.orderedSteps(hub.events(), {
      steps: [{ id: 'x' }],
      groupBy: { timeAggregation: '%Y-%m-%d' },
    })
    expectTypeOf<Row<typeof daily>['time_aggregation']>().toEqualTypeOf<string>()
    const perDay = hub.funnel.orderedSteps(hub.events(), { steps: [{ id: 'x' }], groupBy: 'day' })
    expectTypeOf<Row<typeof perDay>['day']>().toEqualTypeOf<string>()
    // @ts-expect-error: a step is a match of scalar values or a predicate
    hub.funnel.orderedSteps(hub.events(), { steps: [{ id: ['x'] }] })
    // @ts-expect-error: no such column to group on
    hub.funnel.orderedSteps(hub.events(), { steps: [{ id: 'x' }], groupBy: 'country' })
  })

  it('takes an order, and times conversions per user', () => {
    const strict = hub.funnel.orderedSteps(hub.events(), { steps: [{ id: 'a' }, { id: 'b' }], order: 'strict' })
    expectTypeOf<Row<typeof strict>['n_users']>().toEqualTypeOf<number>()
    hub.funnel.orderedSteps(hub.events(), { steps: [{ id: 'a' }], order: 'unordered', groupBy: 'day' })
    // @ts-expect-error: the orders are 'ordered', 'strict' and 'unordered'
    hub.funnel.orderedSteps(hub.events(), { steps: [{ id: 'a' }], order: 'any' })
    const times = hub.funnel.timeToConvert(hub.events(), {
      steps: [{ id: 'a' }, (eb) => eb('event_type', '=', 'PressEvent')],
      fromStep: 1,
      toStep: 2,
      order: 'strict',
    })
    expectTypeOf<Row<typeof times>>().toEqualTypeOf<{ user_id: string; seconds: number }>()
    expectTypeOf(times.where('seconds', '<', 60).orderBy('seconds').execute()).resolves.toEqualTypeOf<
      { user_id: string; seconds: number }[]
    >()
    // @ts-expect-error: an unordered funnel has no step order to time
    hub.funnel.timeToConvert(hub.events(), { steps: [{ id: 'a' }, { id: 'b' }], order: 'unordered' })
    // @ts-expect-error: no groups: one row per user
    hub.funnel.timeToConvert(hub.events(), { steps: [{ id: 'a' }, { id: 'b' }], groupBy: 'day' })
  })

  it('gives Sankey links and an SVG string', () => {
    const links = hub.funnel.sankeyLinks([{ location_stack_step_1: 'a', location_stack_step_2: 'b' }])
    expectTypeOf(links).toEqualTypeOf<SankeyLink[]>()
    expectTypeOf(sankeyChartSvg(links, { width: 800, height: 400, title: 'Paths' })).toEqualTypeOf<string>()
    // @ts-expect-error: links need a value
    sankeyChartSvg([{ source: 'a', target: 'b' }])
  })
})
