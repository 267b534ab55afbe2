import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'

const db = createPostgresDb<Record<string, never>>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] }).addConversionEvent({
  name: 'quickstart_presses',
  locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
  eventType: 'PressEvent',
})
const noContexts = new ModelHub(db, { engine: postgres })
type Row<Q> = Q extends { execute(): Promise<(infer R)[]> } ? R : never

interface FunnelValues {
  location: string
  n_users: number
  n_users_completed_step: number
  step_conversion_rate: number
  full_conversion_rate: number
  dropoff_share: number
}
/** A funnel row with key columns, as one plain object type. */
type FunnelRow<K> = { [P in keyof (K & FunnelValues)]: (K & FunnelValues)[P] }

describe('top product features types', () => {
  it('types the rows of both feature models', () => {
    const top = hub.agg.topProductFeatures(hub.events())
    expectTypeOf<Row<typeof top>>().toEqualTypeOf<{
      application: string
      feature_nice_name: string
      event_type: string
      user_id_nunique: number
    }>()
    const before = hub.agg.topProductFeaturesBeforeConversion(hub.events(), 'quickstart_presses', {
      locationStack: (ls) => ls.from({ _type: 'LinkContext' }),
      eventType: 'PressEvent',
    })
    expectTypeOf<Row<typeof before>>().toEqualTypeOf<{
      application: string
      feature_nice_name: string
      event_type: string
      unique_users: number
    }>()
    top.where('user_id_nunique', '>', 1).orderBy('feature_nice_name')
    // @ts-expect-error: the before-conversion count is unique_users, not user_id_nunique
    before.where('user_id_nunique', '>', 1)
  })

  it('needs the application column', () => {
    // @ts-expect-error: this hub has no application global-context column
    noContexts.agg.topProductFeatures(noContexts.events())
    // @ts-expect-error: nor for the before-conversion model
    noContexts.agg.topProductFeaturesBeforeConversion(noContexts.events(), 'x' as never)
    const narrow = hub.events().clearSelect().select(['user_id', 'event_type', 'stack_event_types', 'location_stack'])
    // @ts-expect-error: the selection dropped the application column
    hub.agg.topProductFeatures(narrow)
    hub.agg.topProductFeatures(narrow.select('application'))
  })

  it('accepts only known conversion names', () => {
    // @ts-expect-error: not a conversion of this hub
    hub.agg.topProductFeaturesBeforeConversion(hub.events(), 'quickstart_press')
    const plain = new ModelHub(db, { engine: postgres, globalContexts: ['application'] })
    // @ts-expect-error: a hub without conversions accepts no name
    plain.agg.topProductFeaturesBeforeConversion(plain.events(), 'quickstart_presses')
  })

  it('checks option types', () => {
    hub.agg.topProductFeatures(hub.events(), { eventType: 'ClickEvent', locationStack: (ls) => ls.slice(0, 2) })
    hub.agg.topProductFeatures(hub.events(), { locationStack: (ls) => ls.get('LinkContext', 'id') })
    hub.agg.topProductFeatures(hub.events(), { locationStack: 'event_type' })
    // @ts-expect-error: eventType is a string
    hub.agg.topProductFeatures(hub.events(), { eventType: 1 })
    // @ts-expect-error: a location is a function of the stack or a text column, not a match object
    hub.agg.topProductFeatures(hub.events(), { locationStack: { id: 'x' } })
    // @ts-expect-error: session_id is not a text column
    hub.agg.topProductFeatures(hub.events(), { locationStack: 'session_id' })
    // @ts-expect-error: no such column
    hub.agg.topProductFeatures(hub.events(), { locationStack: 'link_id' })
    // @ts-expect-error: the function must return a stack or a text expression
    hub.agg.topProductFeatures(hub.events(), { locationStack: (ls) => ls.length() })
  })
})

describe('drop-off location types', () => {
  it('gives value_counts, or percentage when asked for', () => {
    expectTypeOf<Row<ReturnType<typeof hub.agg.dropOffLocations<ReturnType<typeof hub.events>>>>>().toEqualTypeOf<{
      location: string
      value_counts: number
    }>()
    const shares = hub.agg.dropOffLocations(hub.events(), { percentage: true, groupBy: ['user_id', 'day'] })
    expectTypeOf<Row<typeof shares>>().toEqualTypeOf<{ location: string; percentage: number }>()
    const counts = hub.agg.dropOffLocations(hub.events(), { percentage: false, groupBy: null })
    expectTypeOf<Row<typeof counts>>().toEqualTypeOf<{ location: string; value_counts: number }>()
    // @ts-expect-error: with percentage there is no value_counts column
    shares.where('value_counts', '>', 1)
  })

  it('checks option types', () => {
    hub.agg.dropOffLocations(hub.events(), { groupBy: { timeAggregation: '%Y-%m' } })
    // @ts-expect-error: percentage is a boolean
    hub.agg.dropOffLocations(hub.events(), { percentage: 'yes' })
    // @ts-expect-error: groupBy names columns of the query
    hub.agg.dropOffLocations(hub.events(), { groupBy: 'usr_id' })
    const withLink = hub
      .events()
      .select((eb) => sql<string | null>`${hub.ls(eb.ref('location_stack')).at(-1)}`.as('link'))
    hub.agg.dropOffLocations(withLink, { locationStack: 'link' })
  })
})

describe('funnel conversion types', () => {
  it('adds the groupBy keys, none by default', () => {
    const plain = hub.agg.funnelConversion(hub.events())
    expectTypeOf<Row<typeof plain>>().toEqualTypeOf<FunnelValues>()
    const byDay = hub.agg.funnelConversion(hub.events(), { groupBy: 'day' })
    expectTypeOf<Row<typeof byDay>>().toEqualTypeOf<FunnelRow<{ day: string }>>()
    const bySession = hub.agg.funnelConversion(hub.events(), { groupBy: ['day', 'session_id'] })
    expectTypeOf<Row<typeof bySession>['session_id']>().toEqualTypeOf<number>()
    expectTypeOf<Row<typeof bySession>['day']>().toEqualTypeOf<string>()
    const monthly = hub.agg.funnelConversion(hub.events(), { groupBy: { timeAggregation: '%Y-%m' } })
    expectTypeOf<Row<typeof monthly>['time_aggregation']>().toEqualTypeOf<string>()
    // @ts-expect-error: ungrouped funnels have no time bucket
    plain.where('time_aggregation', '=', '2022-01')
  })

  it('checks option types', () => {
    // @ts-expect-error: the funnel follows users, so it cannot be grouped on user_id
    hub.agg.funnelConversion(hub.events(), { groupBy: 'user_id' })
    // @ts-expect-error: groupBy names columns of the query
    hub.agg.funnelConversion(hub.events(), { groupBy: 'dag' })
    // @ts-expect-error: moment is not a text column
    hub.agg.funnelConversion(hub.events(), { locationStack: 'moment' })
    const narrow = hub.events().clearSelect().select(['user_id', 'location_stack'])
    // @ts-expect-error: the funnel orders visits by moment and event_id
    hub.agg.funnelConversion(narrow)
  })
})
