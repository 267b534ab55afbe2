import type { GlobalContext, LocationContext } from '@kysely-modelhub/core'
import { type EventRow, ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { describe, expectTypeOf, it } from 'vitest'

interface Users {
  users: { user_id: string; plan: 'free' | 'pro' }
}
const db = createPostgresDb<Users>({ connectionString: 'postgresql://localhost/never-connected' })

describe('events() row types', () => {
  it('types every documented column, plus one per requested global context', async () => {
    const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application', 'cookie_id'] })
    const row = await hub.events().executeTakeFirstOrThrow()
    expectTypeOf(row).toEqualTypeOf<EventRow<'application' | 'cookie_id'>>()
    expectTypeOf(row.event_id).toEqualTypeOf<string>()
    expectTypeOf(row.day).toEqualTypeOf<string>()
    expectTypeOf(row.moment).toEqualTypeOf<Date>()
    expectTypeOf(row.user_id).toEqualTypeOf<string | null>()
    expectTypeOf(row.event_type).toEqualTypeOf<string>()
    expectTypeOf(row.stack_event_types).toEqualTypeOf<string[]>()
    expectTypeOf(row.location_stack).toEqualTypeOf<LocationContext[]>()
    expectTypeOf(row.session_id).toEqualTypeOf<number>()
    expectTypeOf(row.session_hit_number).toEqualTypeOf<number>()
    expectTypeOf(row.application).toEqualTypeOf<GlobalContext[]>()
    expectTypeOf(row.cookie_id).toEqualTypeOf<GlobalContext[]>()
  })

  it('has no global-context columns that were not requested', async () => {
    const row = await new ModelHub(db, { engine: postgres }).events().executeTakeFirstOrThrow()
    // @ts-expect-error: application was not requested
    row.application
    expectTypeOf(row).toEqualTypeOf<EventRow<never>>()
  })

  it('is an ordinary query builder that knows the columns and the user tables', async () => {
    const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] })
    const rows = await hub
      .events({ startDate: '2022-03-01' })
      .where('event_type', '=', 'PressEvent')
      .innerJoin('users', 'users.user_id', 'events.user_id')
      .select(['users.plan'])
      .execute()
    expectTypeOf(rows[0]!.plan).toEqualTypeOf<'free' | 'pro'>()
    // @ts-expect-error: no such column
    hub.events().where('evnt_type', '=', 'PressEvent')
    // @ts-expect-error: session_id is a number
    hub.events().where('session_id', '=', 'one')
    // @ts-expect-error: dates are strings
    hub.events({ startDate: new Date() })
  })

  it('rejects option values of the wrong type at compile time', () => {
    // @ts-expect-error: sessionGapSeconds is a number
    new ModelHub(db, { engine: postgres, sessionGapSeconds: '1800' })
    // @ts-expect-error: global contexts are named by strings
    new ModelHub(db, { engine: postgres, globalContexts: [1] })
    // @ts-expect-error: anonymizeUnidentifiedUsers is a boolean
    new ModelHub(db, { engine: postgres, identityResolution: 'email', anonymizeUnidentifiedUsers: 'yes' })
    // @ts-expect-error: a time zone is an IANA name, a string
    new ModelHub(db, { engine: postgres, timeZone: 60 })
    expectTypeOf(
      new ModelHub(db, { engine: postgres, timeZone: 'Europe/Amsterdam' }).settings.timeZone,
    ).toEqualTypeOf<string>()
  })
})
