import { displaySqlAsMarkdown, type HubConnection, ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { describe, expectTypeOf, it } from 'vitest'

interface Database {
  users: { user_id: string; plan: string }
}
const db = createPostgresDb<Database>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] })
const newUsers = hub.map.isNewUser(hub.events()).where('is_new_user', '=', true)

describe('hub.divide', () => {
  it('is typed like the numerator, with the value as number | null', async () => {
    const share = hub.divide(hub.agg.uniqueUsers(newUsers), hub.agg.uniqueUsers(hub.events()))
    const row = await share.executeTakeFirstOrThrow()
    expectTypeOf(row).toEqualTypeOf<{ time_aggregation: string; unique_users: number | null }>()
    // Still an aggregate: filter and sort by its columns, divide again.
    share.where('unique_users', 'is not', null).orderBy('time_aggregation')
    hub.divide(share, hub.agg.uniqueUsers(hub.events()))
    // @ts-expect-error: no such column
    share.where('share', '>', 0.5)
  })

  it('keeps several keys, a single row, and value columns of different names', async () => {
    const groupBy = ['session_id', { timeAggregation: '%Y-%m' }] as const
    const byTwo = hub.divide(hub.agg.uniqueUsers(newUsers, { groupBy }), hub.agg.uniqueUsers(hub.events(), { groupBy }))
    expectTypeOf(await byTwo.executeTakeFirstOrThrow()).toEqualTypeOf<{
      // session_id is numeric too: from the types alone it could be the value, so both are widened.
      session_id: number | null
      time_aggregation: string
      unique_users: number | null
    }>()
    const single = hub.divide(
      hub.agg.uniqueUsers(newUsers, { groupBy: null }),
      hub.agg.uniqueUsers(hub.events(), { groupBy: null }),
    )
    expectTypeOf(await single.executeTakeFirstOrThrow()).toEqualTypeOf<{ unique_users: number | null }>()
    const events = hub.db
      .selectFrom(hub.events().as('e'))
      .select((eb) => [eb.ref('e.day').as('time_aggregation'), eb.fn.countAll<number>().as('n_events')])
      .groupBy('e.day')
    const perUser = hub.divide(events, hub.agg.uniqueUsers(hub.events()))
    expectTypeOf(await perUser.executeTakeFirstOrThrow()).toEqualTypeOf<{
      time_aggregation: string
      n_events: number | null
    }>()
  })

  it('does not compile when the key columns differ or the value is not numeric', () => {
    const byDay = hub.agg.uniqueUsers(hub.events())
    // @ts-expect-error: time_aggregation vs event_type
    hub.divide(byDay, hub.agg.uniqueUsers(hub.events(), { groupBy: 'event_type' }))
    // @ts-expect-error: session_id is a key of the numerator only
    hub.divide(hub.agg.uniqueUsers(hub.events(), { groupBy: [{ timeAggregation: '%Y' }, 'session_id'] }), byDay)
    // @ts-expect-error: one row against rows per day
    hub.divide(byDay, hub.agg.uniqueUsers(hub.events(), { groupBy: null }))
    const names = hub.db.selectFrom(hub.events().as('e')).select(['e.day as time_aggregation', 'e.event_type'])
    // @ts-expect-error: event_type is text
    hub.divide(names, byDay)
  })
})

describe('hub.materialize', () => {
  it('keeps the row type, under the given name or "materialized"', async () => {
    const daily = hub.agg.uniqueUsers(hub.events())
    for (const kind of ['cte', 'table', 'view', 'temp_table'] as const) {
      const named = await hub.materialize(daily, { kind, name: 'daily' })
      expectTypeOf(await named.executeTakeFirstOrThrow()).toEqualTypeOf<{
        time_aggregation: string
        unique_users: number
      }>()
      named.where('daily.unique_users', '>', 1).orderBy('time_aggregation')
      const generated = await hub.materialize(daily, { kind })
      generated.where('materialized.unique_users', '>', 1)
      // @ts-expect-error: no such column
      generated.where('unique_user', '>', 1)
    }
    const events = await hub.materialize(hub.events(), { kind: 'cte' })
    expectTypeOf(await events.executeTakeFirstOrThrow()).toEqualTypeOf<
      Awaited<ReturnType<ReturnType<typeof hub.events>['executeTakeFirstOrThrow']>>
    >()
    // The models take it like any events query.
    expectTypeOf(await hub.agg.uniqueUsers(events).executeTakeFirstOrThrow()).toEqualTypeOf<{
      time_aggregation: string
      unique_users: number
    }>()
    // @ts-expect-error: not a kind
    hub.materialize(daily, { kind: 'materialized_view' })
  })

  it('binds a hub of the same type to one connection', async () => {
    const result = await hub.withConnection(async (h) => {
      expectTypeOf(h).toEqualTypeOf<typeof hub>()
      const table = await h.materialize(h.events(), { kind: 'temp_table' })
      return h.agg.uniqueUsers(table).execute()
    })
    expectTypeOf(result).toEqualTypeOf<{ time_aggregation: string; unique_users: number }[]>()
    expectTypeOf(await hub.connect()).toEqualTypeOf<HubConnection<typeof hub>>()
  })
})

describe('SQL export', () => {
  it('returns strings', () => {
    const q = hub.divide(hub.agg.uniqueUsers(newUsers), hub.agg.uniqueUsers(hub.events()))
    expectTypeOf(hub.toSql(q)).toEqualTypeOf<string>()
    expectTypeOf(hub.toSql(q, { pretty: false, inlineParameters: true })).toEqualTypeOf<string>()
    expectTypeOf(displaySqlAsMarkdown(q)).toEqualTypeOf<string>()
    expectTypeOf(displaySqlAsMarkdown(q, hub)).toEqualTypeOf<string>()
    // @ts-expect-error: pretty is a boolean
    hub.toSql(q, { pretty: 'yes' })
  })
})
