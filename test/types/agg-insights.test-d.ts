import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { describe, expectTypeOf, it } from 'vitest'

const db = createPostgresDb<Record<string, never>>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] })
type Row<Q extends { execute(): Promise<unknown[]> }> = Awaited<ReturnType<Q['execute']>>[number]

describe('lifecycle and stickiness types', () => {
  it('types lifecycle rows and options', () => {
    const weekly = hub.agg.lifecycle(hub.events())
    expectTypeOf<Row<typeof weekly>>().toEqualTypeOf<{
      period: string
      status: 'new' | 'returning' | 'resurrecting' | 'dormant'
      users: number
    }>()
    hub.agg.lifecycle(hub.events(), { period: 'monthly' }).where('status', '=', 'dormant').orderBy('period')
    hub.agg.lifecycle(hub.events().clearSelect().select(['user_id', 'moment']), { period: 'daily' })
    // @ts-expect-error: not a lifecycle period
    hub.agg.lifecycle(hub.events(), { period: 'yearly' })
    // @ts-expect-error: not a status
    hub.agg.lifecycle(hub.events()).where('status', '=', 'churned')
    // @ts-expect-error: needs moment
    hub.agg.lifecycle(hub.events().clearSelect().select(['user_id']))
  })

  it('types stickiness rows by the grouping', () => {
    const plain = hub.agg.stickiness(hub.events(), { interval: 'day' })
    expectTypeOf<Row<typeof plain>>().toEqualTypeOf<{ intervals_active: number; users: number }>()
    const byMonth = hub.agg.stickiness(hub.events(), { interval: 'week', groupBy: { timeAggregation: '%Y-%m' } })
    expectTypeOf<Row<typeof byMonth>>().toEqualTypeOf<{
      time_aggregation: string
      intervals_active: number
      users: number
    }>()
    const byType = hub.agg.stickiness(hub.events(), { interval: 'month', groupBy: ['event_type', 'day'] })
    expectTypeOf<Row<typeof byType>>().toEqualTypeOf<{
      event_type: string
      day: string
      intervals_active: number
      users: number
    }>()
    byType.where('intervals_active', '>', 1).orderBy('users')
    const local = hub.agg.stickiness(hub.events(), {
      interval: 'day',
      timeZone: 'Europe/Amsterdam',
      groupBy: { timeAggregation: '%Y-%m', timeZone: 'Asia/Kolkata' },
    })
    expectTypeOf<Row<typeof local>>().toEqualTypeOf<{
      time_aggregation: string
      intervals_active: number
      users: number
    }>()
    hub.agg.lifecycle(hub.events(), { period: 'daily', timeZone: 'America/Los_Angeles' })
    hub.agg.retentionMatrix(hub.events(), { timePeriod: 'weekly', timeZone: 'America/Los_Angeles' })
    // @ts-expect-error: a time zone is named by a string
    hub.agg.lifecycle(hub.events(), { timeZone: true })
    // @ts-expect-error: interval is required
    hub.agg.stickiness(hub.events(), {})
    // @ts-expect-error: not an interval
    hub.agg.stickiness(hub.events(), { interval: 'hour' })
    // @ts-expect-error: grouping on the counted column
    hub.agg.stickiness(hub.events(), { interval: 'day', groupBy: 'user_id' })
    // @ts-expect-error: not a column
    hub.agg.stickiness(hub.events(), { interval: 'day', groupBy: 'evnt_type' })
  })
})
