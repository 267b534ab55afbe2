import { ModelHub } from '@kysely-modelhub/modelhub'
import { postgres } from '@kysely-modelhub/postgres'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { describe, expectTypeOf, it } from 'vitest'

/** An app whose own tables are called like the hub's sources: `events` and `result`. */
interface AppDatabase {
  events: { id: number; name: string; user_id: number; payload: unknown }
  result: { id: number; score: number }
  users: { id: string; plan: 'free' | 'pro' }
}
const db = new Kysely<AppDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) })
const hub = new ModelHub(db, { engine: postgres })

describe("the app's own tables never change the hub's types", () => {
  it("types events() by the hub's columns, not the app's events table", async () => {
    const row = await hub.events().executeTakeFirstOrThrow()
    expectTypeOf(row.user_id).toEqualTypeOf<string | null>()
    expectTypeOf(row.moment).toEqualTypeOf<Date>()
    // @ts-expect-error: the app's events.name is not a column of the hub's events
    row.name
    // @ts-expect-error: neither is its payload, in a filter
    hub.events().where('payload', 'is not', null)
    // @ts-expect-error: nor a qualified app column
    hub.events().select('events.name')
  })

  it('filters user_id as the text it is', () => {
    hub.events().where('user_id', '=', 'x')
    hub.events().where('events.user_id', 'in', ['x', 'y'])
    // @ts-expect-error: the app's events.user_id is a number, the hub's is text
    hub.events().where('user_id', '=', 42)
  })

  it('joins an app table to events() on user_id', async () => {
    const rows = await hub.events().innerJoin('users', 'users.id', 'events.user_id').select(['users.plan']).execute()
    expectTypeOf(rows[0]!.plan).toEqualTypeOf<'free' | 'pro'>()
    expectTypeOf(rows[0]!.user_id).toEqualTypeOf<string | null>()
    // @ts-expect-error: the app's result table is not joined, and not the hub's either
    hub.events().select('result.score')
  })

  it("types map helpers and aggregates by the hub's columns, not the app's result table", async () => {
    const mapped = await hub.map.isNewUser(hub.events()).executeTakeFirstOrThrow()
    expectTypeOf(mapped.is_new_user).toEqualTypeOf<boolean>()
    // @ts-expect-error: the app's events.name does not come back through a map helper
    mapped.name
    const users = hub.agg.uniqueUsers(hub.events())
    const [first] = await users.where('unique_users', '>', 1).execute()
    expectTypeOf(first!).toEqualTypeOf<{ time_aggregation: string; unique_users: number }>()
    // @ts-expect-error: the app's result.score is not a column of the aggregate
    users.where('score', '>', 1)
    const share = await hub.divide(users, hub.agg.uniqueUsers(hub.events())).executeTakeFirstOrThrow()
    expectTypeOf(share).toEqualTypeOf<{ time_aggregation: string; unique_users: number | null }>()
  })
})
