import type { RetentionMatrixRow } from '@kysely-modelhub/modelhub'
import { ModelHub, toMatrix } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { describe, expectTypeOf, it } from 'vitest'

const db = createPostgresDb<Record<string, never>>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] })
type Row<Q extends { execute(): Promise<unknown[]> }> = Awaited<ReturnType<Q['execute']>>[number]

describe('session model types', () => {
  it('types uniqueSessions rows by the grouping', () => {
    const byBucket = hub.agg.uniqueSessions(hub.events())
    expectTypeOf<Row<typeof byBucket>>().toEqualTypeOf<{ time_aggregation: string; unique_sessions: number }>()
    const total = hub.agg.uniqueSessions(hub.events(), { groupBy: null })
    expectTypeOf<Row<typeof total>>().toEqualTypeOf<{ unique_sessions: number }>()
    const byUser = hub.agg.uniqueSessions(hub.events(), { groupBy: [{ timeAggregation: '%Y-%m' }, 'user_id'] })
    expectTypeOf<Row<typeof byUser>>().toEqualTypeOf<{
      time_aggregation: string
      user_id: string | null
      unique_sessions: number
    }>()
    byUser.where('unique_sessions', '>', 1).orderBy('user_id')
    // @ts-expect-error: grouping on the counted column
    hub.agg.uniqueSessions(hub.events(), { groupBy: 'session_id' })
    // @ts-expect-error: grouping on the counted column, inside an array
    hub.agg.uniqueSessions(hub.events(), { groupBy: ['event_type', 'session_id'] })
    // @ts-expect-error: not a column
    hub.agg.uniqueSessions(hub.events(), { groupBy: 'sesion_id' })
    // @ts-expect-error: needs session_id
    hub.agg.uniqueSessions(hub.events().clearSelect().select(['moment', 'user_id']))
  })

  it('types sessionDuration rows and options', () => {
    const byBucket = hub.agg.sessionDuration(hub.events())
    expectTypeOf<Row<typeof byBucket>>().toEqualTypeOf<{ time_aggregation: string; session_duration: number }>()
    const bySession = hub.agg.sessionDuration(hub.events(), {
      groupBy: [{ timeAggregation: '%Y-%m' }, 'session_id'],
      excludeBounces: false,
      method: 'sum',
    })
    expectTypeOf<Row<typeof bySession>>().toEqualTypeOf<{
      time_aggregation: string
      session_id: number
      session_duration: number
    }>()
    const byDay = hub.agg.sessionDuration(hub.events(), { groupBy: 'day', method: 'mean' })
    expectTypeOf<Row<typeof byDay>>().toEqualTypeOf<{ day: string; session_duration: number }>()
    const total = hub.agg.sessionDuration(hub.events(), { groupBy: null })
    expectTypeOf<Row<typeof total>>().toEqualTypeOf<{ session_duration: number }>()
    // @ts-expect-error: method is 'mean' or 'sum'
    hub.agg.sessionDuration(hub.events(), { method: 'median' })
    // @ts-expect-error: excludeBounces is a boolean
    hub.agg.sessionDuration(hub.events(), { excludeBounces: 'yes' })
    // @ts-expect-error: not a column
    hub.agg.sessionDuration(hub.events(), { groupBy: ['day', 'applicaton'] })
    // @ts-expect-error: needs session_id
    hub.agg.sessionDuration(hub.events().clearSelect().select(['moment', 'user_id']))
    // @ts-expect-error: needs moment
    hub.agg.sessionDuration(hub.events().clearSelect().select(['session_id', 'user_id']))
  })

  it('types frequency rows', () => {
    const q = hub.agg.frequency(hub.events())
    expectTypeOf<Row<typeof q>>().toEqualTypeOf<{ session_id_nunique: number; user_id_nunique: number }>()
    hub.agg.frequency(hub.events().clearSelect().select(['user_id', 'session_id']))
    // @ts-expect-error: needs session_id
    hub.agg.frequency(hub.events().clearSelect().select(['user_id', 'moment']))
    // @ts-expect-error: takes no options
    hub.agg.frequency(hub.events(), { groupBy: null })
  })

  it('types retentionMatrix rows, options and the pivot', () => {
    const q = hub.agg.retentionMatrix(hub.events(), { timePeriod: 'weekly', eventType: 'PressEvent', percentage: true })
    expectTypeOf<Row<typeof q>>().toEqualTypeOf<{ first_cohort: string; period: number; value: number }>()
    q.where('period', '<', 4).orderBy('first_cohort')
    const narrow = hub.events().clearSelect().select(['user_id', 'moment'])
    hub.agg.retentionMatrix(narrow, { timePeriod: 'daily', startDate: '2021-11-30', endDate: '2021-12-01' })
    // @ts-expect-error: eventType needs an event_type column
    hub.agg.retentionMatrix(narrow, { eventType: 'PressEvent' })
    // @ts-expect-error: not a time period
    hub.agg.retentionMatrix(hub.events(), { timePeriod: 'biweekly' })
    // @ts-expect-error: percentage is a boolean
    hub.agg.retentionMatrix(hub.events(), { percentage: 1 })
    // @ts-expect-error: needs moment
    hub.agg.retentionMatrix(hub.events().clearSelect().select(['user_id', 'event_type']))

    const recurring = hub.agg.retentionMatrix(hub.events(), {
      mode: 'recurring',
      periods: 'elapsed',
      eventType: 'ApplicationLoadedEvent',
      returnEventType: 'PressEvent',
    })
    expectTypeOf<Row<typeof recurring>>().toEqualTypeOf<{ first_cohort: string; period: number; value: number }>()
    hub.agg.retentionMatrix(hub.events(), { eventType: 'PressEvent', returnEventType: null })
    hub.agg.retentionMatrix(narrow, { mode: 'first_time', periods: 'calendar' })
    // @ts-expect-error: returnEventType needs an event_type column
    hub.agg.retentionMatrix(narrow, { returnEventType: 'PressEvent' })
    // @ts-expect-error: not a mode
    hub.agg.retentionMatrix(hub.events(), { mode: 'rolling' })
    // @ts-expect-error: not a way to count periods
    hub.agg.retentionMatrix(hub.events(), { periods: 'rolling' })
    // @ts-expect-error: returnEventType is an event type or null
    hub.agg.retentionMatrix(hub.events(), { returnEventType: 1 })

    const matrix = toMatrix([{ first_cohort: '2021-11', period: 0, value: 2 }])
    expectTypeOf(matrix).toEqualTypeOf<RetentionMatrixRow[]>()
    expectTypeOf(matrix[0]!.first_cohort).toEqualTypeOf<string>()
    // `_k` is an index signature: a column past the last period is undefined
    expectTypeOf(matrix[0]!._3).toEqualTypeOf<number | null | undefined>()
  })
})
