import {
  type FeatureContext,
  type GlobalContext,
  globalContexts,
  type LocationContext,
  locationStack,
} from '@kysely-modelhub/core'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import type { RawBuilder } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'

interface DB {
  events: { event_id: string; event_type: string; location_stack: LocationContext[]; application: GlobalContext[] }
}
// Building and compiling queries needs no connection.
const db = createPostgresDb<DB>({ connectionString: 'postgresql://localhost/never-connected' })

describe('location stack operator types', () => {
  it('gives every operator its result type, and rows their column types', () => {
    const q = db.selectFrom('events').select((eb) => {
      const ls = locationStack(eb.ref('location_stack'), postgres)
      return [
        ls.niceName().as('nice'),
        ls.at(-1).as('last'),
        ls.from({ _type: 'LinkContext', id: 'docs' }).as('from'),
        ls.featureStack().as('features'),
        ls.length().as('depth'),
        ls.contains({ id: 'main' }).as('in_main'),
        ls.get('RootLocationContext', 'id').as('root'),
        globalContexts(eb.ref('application'), postgres).get('id').as('app'),
      ]
    })
    type Row = Awaited<ReturnType<typeof q.executeTakeFirstOrThrow>>
    expectTypeOf<Row>().toEqualTypeOf<{
      nice: string | null
      last: LocationContext | null
      from: LocationContext[]
      features: FeatureContext[]
      depth: number
      in_main: boolean
      root: string | null
      app: string | null
    }>()
  })

  it('returns Kysely expressions', () => {
    db.selectFrom('events').select((eb) => {
      const ls = locationStack(eb.ref('location_stack'), postgres)
      expectTypeOf(ls.niceName()).toEqualTypeOf<RawBuilder<string | null>>()
      expectTypeOf(ls.contains({ id: 'x' })).toEqualTypeOf<RawBuilder<boolean>>()
      expectTypeOf(ls.until({ id: 'x' }).niceName()).toEqualTypeOf<RawBuilder<string | null>>()
      return ls.niceName().as('n')
    })
  })

  it('rejects unknown columns, non-stack columns and wrong value types', () => {
    db.selectFrom('events').select((eb) => {
      // @ts-expect-error: no such column
      locationStack(eb.ref('location'), postgres)
      // @ts-expect-error: event_type is a string, not a location stack
      locationStack(eb.ref('event_type'), postgres)
      // @ts-expect-error: application holds global contexts, which have no required _type
      locationStack(eb.ref('application'), postgres)
      const ls = locationStack(eb.ref('location_stack'), postgres)
      // @ts-expect-error: match values are scalars, not objects
      ls.from({ id: { nested: 'x' } })
      // @ts-expect-error: match values are scalars, not arrays
      ls.contains({ _types: ['SectionContext'] })
      // @ts-expect-error: indexes are numbers
      ls.at('1')
      // @ts-expect-error: slice bounds are numbers
      ls.slice('a')
      // @ts-expect-error: get needs a type and a key
      ls.get('LinkContext')
      // @ts-expect-error: global-context field names are strings
      globalContexts(eb.ref('application'), postgres).get(1)
      return ls.niceName().as('n')
    })
  })
})
