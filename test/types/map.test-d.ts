import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { describe, expectTypeOf, it } from 'vitest'

const db = createPostgresDb<Record<string, never>>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] }).addConversionEvent({
  name: 'quickstart_presses',
  locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
  eventType: 'PressEvent',
})
type Row<Q> = Q extends { execute(): Promise<(infer R)[]> } ? R : never

describe('map helper types', () => {
  it('adds one typed column with its default name', () => {
    const q = hub.map.isNewUser(hub.events())
    expectTypeOf<Row<typeof q>['is_new_user']>().toEqualTypeOf<boolean>()
    expectTypeOf<Row<typeof hub.map.isFirstSession<ReturnType<typeof hub.events>>>>().toHaveProperty('is_first_session')
    expectTypeOf<
      Row<ReturnType<typeof hub.map.conversionsInTime<ReturnType<typeof hub.events>>>>['conversions_in_time']
    >().toEqualTypeOf<number>()
    const pre = hub.map.preConversionHitNumber(hub.events(), 'quickstart_presses')
    expectTypeOf<Row<typeof pre>['pre_conversion_hit_number']>().toEqualTypeOf<number | null>()
    const counter = hub.map.conversionsCounter(hub.events(), 'quickstart_presses')
    expectTypeOf<Row<typeof counter>['converted']>().toEqualTypeOf<number>()
    const bucket = hub.map.timeAgg(hub.events())
    expectTypeOf<Row<typeof bucket>['time_aggregation']>().toEqualTypeOf<string>()
    expectTypeOf<Row<typeof bucket>['application']>().toEqualTypeOf<import('@kysely-modelhub/core').GlobalContext[]>()
  })

  it('renames the column in the type with as, and stacks helpers', () => {
    const q = hub.map.isNewUser(hub.map.isNewUser(hub.events()), { timeAggregation: '%Y-%m', as: 'is_new_user_month' })
    type R = Row<typeof q>
    expectTypeOf<R['is_new_user']>().toEqualTypeOf<boolean>()
    expectTypeOf<R['is_new_user_month']>().toEqualTypeOf<boolean>()
    q.where('is_new_user_month', '=', true).where('is_new_user', '=', false)
    // @ts-expect-error: the column was renamed, so is_new_user_monthly does not exist
    q.where('is_new_user_monthly', '=', true)
    // @ts-expect-error: is_new_user is a boolean
    q.where('is_new_user', '=', 'yes')
  })

  it('takes a time zone per call for time buckets', () => {
    const local = hub.map.timeAgg(hub.events(), {
      timeAggregation: '%Y-%m-%d',
      timeZone: 'Europe/Amsterdam',
      as: 'local_day',
    })
    expectTypeOf<Row<typeof local>['local_day']>().toEqualTypeOf<string>()
    const newUsers = hub.map.isNewUser(hub.events(), { timeZone: 'Asia/Kolkata' })
    expectTypeOf<Row<typeof newUsers>['is_new_user']>().toEqualTypeOf<boolean>()
    // @ts-expect-error: a time zone is named by a string
    hub.map.timeAgg(hub.events(), { timeZone: 1 })
  })

  it('accepts only conversion names the hub knows', () => {
    hub.map.isConversionEvent(hub.events(), 'quickstart_presses')
    // @ts-expect-error: not a conversion of this hub
    hub.map.isConversionEvent(hub.events(), 'quickstart_press')
    // @ts-expect-error: a hub without conversions accepts no name
    new ModelHub(db, { engine: postgres }).map.conversionsInTime(hub.events(), 'quickstart_presses')
    const two = hub.addConversionEvent({ name: 'docs', eventType: 'PressEvent' })
    two.map.conversionsCounter(two.events(), 'docs')
    two.map.conversionsCounter(two.events(), 'quickstart_presses')
  })

  it('checks conversion definitions and partitions', () => {
    // @ts-expect-error: a location condition is a function of the stack
    hub.addConversionEvent({ name: 'x', locationStack: { id: 'x' } })
    // @ts-expect-error: the function must return a stack or a boolean expression
    hub.addConversionEvent({ name: 'x', locationStack: (ls) => ls.niceName() })
    // @ts-expect-error: partition must be a column of the query
    hub.map.conversionsInTime(hub.events(), 'quickstart_presses', { partition: 'sesion_id' })
    hub.map.conversionsInTime(hub.events(), 'quickstart_presses', { partition: 'user_id' })
  })

  it('needs the columns a helper reads', () => {
    const narrow = hub.events().clearSelect().select(['event_id', 'moment'])
    // @ts-expect-error: isNewUser needs user_id and session_id
    hub.map.isNewUser(narrow)
    hub.map.timeAgg(narrow)
  })
})
