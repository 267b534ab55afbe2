import { type ExecuteOptions, executeWithSignal, ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'

const db = createPostgresDb<Record<string, never>>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres })

describe('hub.execute and executeWithSignal', () => {
  it('give the rows execute() gives, for models and raw sql', () => {
    const users = hub.agg.uniqueUsers(hub.events())
    expectTypeOf(hub.execute(users, { timeoutMs: 1000 })).resolves.items.toEqualTypeOf<{
      time_aggregation: string
      unique_users: number
    }>()
    expectTypeOf(executeWithSignal(db, sql<{ n: number }>`select 1 as n`)).resolves.toEqualTypeOf<{ n: number }[]>()
  })

  it('take a number of milliseconds and an AbortSignal', () => {
    expectTypeOf<ExecuteOptions>().toEqualTypeOf<{ readonly timeoutMs?: number; readonly signal?: AbortSignal }>()
    // @ts-expect-error timeoutMs is a number
    hub.execute(hub.events(), { timeoutMs: '1000' })
    // @ts-expect-error signal is an AbortSignal, not its controller
    hub.execute(hub.events(), { signal: new AbortController() })
  })
})
