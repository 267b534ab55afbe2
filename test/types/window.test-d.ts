import { windowed } from '@kysely-modelhub/core'
import { Kysely, PostgresDialect, type RawBuilder, sql } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'

interface DB {
  events: { id: number; user_id: string; moment: Date; value: number | null }
  users: { user_id: string; name: string }
}
// Building queries needs a dialect but no connection.
const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: {} as never }) })

describe('windowed types', () => {
  it('keeps the type of the call', () => {
    db.selectFrom('events').select((eb) => {
      const count = windowed(eb, sql<number>`count(*)`, { partitionBy: ['user_id'], orderBy: ['moment'] })
      expectTypeOf(count).toEqualTypeOf<RawBuilder<number>>()
      const last = windowed(eb, sql<string | null>`last_value(${eb.ref('user_id')})`, {
        orderBy: [{ by: 'moment', direction: 'desc', nulls: 'last' }],
        frame: { kind: 'rows', start: 'unbounded preceding', end: 'unbounded following' },
      })
      expectTypeOf(last).toEqualTypeOf<RawBuilder<string | null>>()
      return count.as('n')
    })
  })

  it('gives the selected column its type in the row', () => {
    const q = db.selectFrom('events').select((eb) => [
      'id',
      windowed(eb, sql<number>`sum(${eb.ref('value')})`, {
        partitionBy: ['events.user_id'],
        orderBy: ['moment', eb.ref('id')],
        frame: { kind: 'range', start: { preceding: 2 }, end: 'current row' },
      }).as('running'),
    ])
    type Row = Awaited<ReturnType<typeof q.executeTakeFirstOrThrow>>
    expectTypeOf<Row>().toEqualTypeOf<{ id: number; running: number }>()
  })

  it('accepts columns of every table in the query, qualified or not, and expressions', () => {
    db.selectFrom('events')
      .innerJoin('users', 'users.user_id', 'events.user_id')
      .select((eb) =>
        windowed(eb, sql<number>`count(*)`, {
          partitionBy: ['users.name', 'events.user_id', sql`lower(${eb.ref('name')})`],
          orderBy: ['moment', { by: 'users.name' }, { by: eb.ref('id'), direction: 'asc' }],
        }).as('n'),
      )
  })

  it('rejects columns the query does not have', () => {
    db.selectFrom('events').select((eb) => {
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: no column "nope" in events
        partitionBy: ['nope'],
      })
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: users is not part of this query
        partitionBy: ['users.name'],
      })
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: no column "nope" in events
        orderBy: ['nope'],
      })
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: no column "nope" in events
        orderBy: [{ by: 'nope', direction: 'desc' }],
      })
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: "up" is not a direction
        orderBy: [{ by: 'moment', direction: 'up' }],
      })
      return sql<number>`1`.as('one')
    })
  })

  it('rejects frames that are not frames', () => {
    db.selectFrom('events').select((eb) => {
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: the kind is "rows", "range" or "groups"
        frame: { kind: 'row', start: 'current row' },
      })
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: "current" is not a bound
        frame: { kind: 'rows', start: 'current' },
      })
      windowed(eb, sql<number>`count(*)`, {
        // @ts-expect-error: offsets are numbers
        frame: { kind: 'rows', start: { preceding: '1' } },
      })
      return sql<number>`1`.as('one')
    })
  })
})
