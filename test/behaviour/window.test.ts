import { type FrameBound, ModelHubInputError, type WindowFrame, windowed } from '@kysely-modelhub/core'
import { expressionBuilder, Kysely, PostgresDialect, type RawBuilder, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { describeEachEngine, itOnPostgres } from '../support/engines.ts'

interface DB {
  events: { id: number; user_id: string; device: string; moment: number; value: number; score: number | null }
}

/** Two users; user a has two events at moment 2 (ties in the order key); two scores are NULL. */
const EVENTS: DB['events'][] = [
  { id: 1, user_id: 'a', device: 'web', moment: 1, value: 10, score: 3 },
  { id: 2, user_id: 'a', device: 'web', moment: 2, value: 20, score: null },
  { id: 3, user_id: 'a', device: 'app', moment: 2, value: 30, score: 1 },
  { id: 4, user_id: 'a', device: 'web', moment: 5, value: 40, score: 2 },
  { id: 5, user_id: 'b', device: 'web', moment: 1, value: 5, score: null },
  { id: 6, user_id: 'b', device: 'app', moment: 3, value: 7, score: 4 },
  { id: 7, user_id: 'b', device: 'app', moment: 4, value: 11, score: 5 },
]

describeEachEngine(
  'window frames',
  (ctx) => {
    const db = (): Kysely<DB> => ctx.db as Kysely<DB>

    it('runs a count and a sum over rows from the start of the partition to the current row', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => {
          const spec = {
            partitionBy: ['user_id'],
            orderBy: ['moment', 'id'],
            frame: { kind: 'rows', start: 'unbounded preceding' },
          } as const
          return [
            'id',
            windowed(eb, sql<number>`count(*)`, spec).as('running_count'),
            windowed(eb, sql<number>`sum(${eb.ref('value')})`, spec).as('running_sum'),
          ]
        })
        .orderBy('id')
        .execute()
      expect(rows).toEqual([
        { id: 1, running_count: 1, running_sum: 10 },
        { id: 2, running_count: 2, running_sum: 30 },
        { id: 3, running_count: 3, running_sum: 60 },
        { id: 4, running_count: 4, running_sum: 100 },
        { id: 5, running_count: 1, running_sum: 5 },
        { id: 6, running_count: 2, running_sum: 12 },
        { id: 7, running_count: 3, running_sum: 23 },
      ])
    })

    it('sums a sliding frame of one row before to one row after', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => [
          'id',
          windowed(eb, sql<number>`sum(${eb.ref('value')})`, {
            partitionBy: ['user_id'],
            orderBy: ['id'],
            frame: { kind: 'rows', start: { preceding: 1 }, end: { following: 1 } },
          }).as('nearby'),
        ])
        .orderBy('id')
        .execute()
      expect(rows.map((r) => [r.id, r.nearby])).toEqual([
        [1, 30],
        [2, 60],
        [3, 90],
        [4, 70],
        [5, 12],
        [6, 23],
        [7, 18],
      ])
    })

    it('gives peers (ties in the order key) the same value in a range frame', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => {
          const spec = {
            partitionBy: ['user_id'],
            orderBy: ['moment'],
            frame: { kind: 'range', start: 'unbounded preceding', end: 'current row' },
          } as const
          return [
            'id',
            windowed(eb, sql<number>`count(*)`, spec).as('n'),
            windowed(eb, sql<number>`sum(${eb.ref('value')})`, spec).as('total'),
          ]
        })
        .orderBy('id')
        .execute()
      expect(rows).toEqual([
        { id: 1, n: 1, total: 10 },
        { id: 2, n: 3, total: 60 },
        { id: 3, n: 3, total: 60 },
        { id: 4, n: 4, total: 100 },
        { id: 5, n: 1, total: 5 },
        { id: 6, n: 2, total: 12 },
        { id: 7, n: 3, total: 23 },
      ])
    })

    it('reads a range offset as a distance in the integer order key', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => [
          'id',
          // moment - 2 <= moment of the row <= moment
          windowed(eb, sql<number>`sum(${eb.ref('value')})`, {
            partitionBy: ['user_id'],
            orderBy: ['moment'],
            frame: { kind: 'range', start: { preceding: 2 } },
          }).as('last_two'),
          // moment - 1 <= moment of the row <= moment + 1
          windowed(eb, sql<number>`count(*)`, {
            partitionBy: ['user_id'],
            orderBy: ['moment'],
            frame: { kind: 'range', start: { preceding: 1 }, end: { following: 1 } },
          }).as('around'),
        ])
        .orderBy('id')
        .execute()
      expect(rows).toEqual([
        { id: 1, last_two: 10, around: 3 },
        { id: 2, last_two: 60, around: 3 },
        { id: 3, last_two: 60, around: 3 },
        { id: 4, last_two: 40, around: 1 },
        { id: 5, last_two: 5, around: 1 },
        { id: 6, last_two: 12, around: 2 },
        { id: 7, last_two: 18, around: 2 },
      ])
    })

    // GoogleSQL has ROWS and RANGE frames only.
    itOnPostgres(ctx, 'counts peer groups in a groups frame', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => [
          'id',
          windowed(eb, sql<number>`sum(${eb.ref('value')})`, {
            partitionBy: ['user_id'],
            orderBy: ['moment'],
            frame: { kind: 'groups', start: { preceding: 1 }, end: 'current row' },
          }).as('two_groups'),
        ])
        .orderBy('id')
        .execute()
      expect(rows.map((r) => r.two_groups)).toEqual([10, 60, 60, 90, 5, 12, 18])
    })

    it('partitions by several columns', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => [
          'id',
          windowed(eb, sql<number>`count(*)`, { partitionBy: ['user_id', 'device'] }).as('in_partition'),
          windowed(eb, sql<number>`row_number()`, {
            partitionBy: ['events.user_id', eb.ref('device')],
            orderBy: ['moment', 'id'],
          }).as('nth'),
        ])
        .orderBy('id')
        .execute()
      expect(rows).toEqual([
        { id: 1, in_partition: 3, nth: 1 },
        { id: 2, in_partition: 3, nth: 2 },
        { id: 3, in_partition: 1, nth: 1 },
        { id: 4, in_partition: 3, nth: 3 },
        { id: 5, in_partition: 1, nth: 1 },
        { id: 6, in_partition: 2, nth: 1 },
        { id: 7, in_partition: 2, nth: 2 },
      ])
    })

    it('orders descending with nulls last, and ascending with nulls first', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => [
          'id',
          windowed(eb, sql<number>`row_number()`, {
            orderBy: [{ by: 'score', direction: 'desc', nulls: 'last' }, 'id'],
          }).as('desc_nulls_last'),
          windowed(eb, sql<number>`row_number()`, { orderBy: [{ by: 'score', direction: 'desc' }, 'id'] }).as(
            'desc_default',
          ),
          windowed(eb, sql<number>`row_number()`, {
            orderBy: [{ by: 'score', direction: 'asc', nulls: 'first' }, { by: eb.ref('id') }],
          }).as('asc_nulls_first'),
          windowed(eb, sql<number>`row_number()`, { orderBy: [{ by: sql`${eb.ref('moment')} * -1` }, 'id'] }).as(
            'by_expression',
          ),
        ])
        .orderBy('id')
        .execute()
      const expected = [
        { id: 1, desc_nulls_last: 3, desc_default: 5, asc_nulls_first: 5, by_expression: 6 },
        { id: 2, desc_nulls_last: 6, desc_default: 1, asc_nulls_first: 1, by_expression: 4 },
        { id: 3, desc_nulls_last: 5, desc_default: 7, asc_nulls_first: 3, by_expression: 5 },
        { id: 4, desc_nulls_last: 4, desc_default: 6, asc_nulls_first: 4, by_expression: 1 },
        { id: 5, desc_nulls_last: 7, desc_default: 2, asc_nulls_first: 2, by_expression: 7 },
        { id: 6, desc_nulls_last: 2, desc_default: 4, asc_nulls_first: 6, by_expression: 3 },
        { id: 7, desc_nulls_last: 1, desc_default: 3, asc_nulls_first: 7, by_expression: 2 },
      ]
      // Descending, Postgres puts NULLs first by default and BigQuery last.
      expect(rows).toEqual(ctx.isPostgres ? expected : expected.map((r) => ({ ...r, desc_default: r.desc_nulls_last })))
    })

    it('works over the whole result with an empty spec', async () => {
      const rows = await db()
        .selectFrom('events')
        .select((eb) => ['id', windowed(eb, sql<number>`count(*)`, {}).as('everyone')])
        .orderBy('id')
        .execute()
      expect(rows.map((r) => r.everyone)).toEqual([7, 7, 7, 7, 7, 7, 7])
    })

    it('can be filtered on from an outer query', async () => {
      const rows = await db()
        .selectFrom((qb) =>
          qb
            .selectFrom('events')
            .select((eb) => [
              'user_id',
              'value',
              windowed(eb, sql<number>`row_number()`, {
                partitionBy: ['user_id'],
                orderBy: [
                  { by: 'moment', direction: 'desc' },
                  { by: 'id', direction: 'desc' },
                ],
              }).as('from_last'),
            ])
            .as('ranked'),
        )
        .select(['user_id', 'value'])
        .where('from_last', '=', 1)
        .orderBy('user_id')
        .execute()
      expect(rows).toEqual([
        { user_id: 'a', value: 40 },
        { user_id: 'b', value: 11 },
      ])
    })
  },
  {
    events: {
      columns: { id: 'INT64', user_id: 'STRING', device: 'STRING', moment: 'INT64', value: 'INT64', score: 'INT64' },
      rows: EVENTS,
    },
  },
)

describe('windowed SQL (no database)', () => {
  // Compiling needs a dialect but no connection.
  const compiler = new Kysely<DB>({ dialect: new PostgresDialect({ pool: {} as never }) })
  const eb = expressionBuilder<DB, 'events'>()
  const sqlOf = (expression: RawBuilder<unknown>): string => expression.compile(compiler).sql
  const compile = (frame: WindowFrame): string =>
    sqlOf(windowed(eb, sql<number>`count(*)`, { orderBy: ['moment'], frame }))

  it('prints the whole OVER clause', () => {
    const query = windowed(eb, sql<number>`sum(${eb.ref('value')})`, {
      partitionBy: ['user_id', 'events.device'],
      orderBy: [{ by: 'score', direction: 'desc', nulls: 'last' }, { by: 'id', nulls: 'first' }, 'moment'],
      frame: { kind: 'rows', start: { preceding: 3 }, end: 'unbounded following' },
    })
    expect(sqlOf(query)).toBe(
      'sum("value") over (partition by "user_id", "events"."device" order by "score" desc nulls last, "id" nulls first, "moment" rows between 3 preceding and unbounded following)',
    )
  })

  it('is a column of a select with .as()', () => {
    const query = compiler
      .selectFrom('events')
      .select((eb) => ['id', windowed(eb, sql<number>`count(*)`, { partitionBy: ['user_id'] }).as('n')])
    expect(query.compile().sql).toBe('select "id", count(*) over (partition by "user_id") as "n" from "events"')
  })

  it('defaults the end of a frame to the current row', () => {
    expect(
      sqlOf(windowed(eb, sql`count(*)`, { orderBy: ['id'], frame: { kind: 'groups', start: 'current row' } })),
    ).toBe('count(*) over (order by "id" groups between current row and current row)')
    expect(sqlOf(windowed(eb, sql`count(*)`, { frame: { kind: 'rows', start: { preceding: 0 } } }))).toBe(
      'count(*) over (rows between 0 preceding and current row)',
    )
  })

  it('prints an empty OVER clause for an empty spec', () => {
    expect(sqlOf(windowed(eb, sql`count(*)`, { partitionBy: [], orderBy: [] }))).toBe('count(*) over ()')
  })

  it('allows frames the database allows', () => {
    expect(compile({ kind: 'range', start: 'unbounded preceding', end: 'unbounded following' })).toBe(
      'count(*) over (order by "moment" range between unbounded preceding and unbounded following)',
    )
    expect(compile({ kind: 'rows', start: 'current row', end: { following: 2 } })).toBe(
      'count(*) over (order by "moment" rows between current row and 2 following)',
    )
    expect(compile({ kind: 'rows', start: { following: 1 }, end: 'unbounded following' })).toBe(
      'count(*) over (order by "moment" rows between 1 following and unbounded following)',
    )
  })

  function errorOf(frame: unknown): Error {
    try {
      compile(frame as WindowFrame)
    } catch (error) {
      expect(error).toBeInstanceOf(ModelHubInputError)
      return error as Error
    }
    throw new Error(`expected ${JSON.stringify(frame)} to be rejected`)
  }

  it('rejects a frame starting at unbounded following', () => {
    expect(errorOf({ kind: 'rows', start: 'unbounded following' }).message).toBe(
      'window frame start: got "unbounded following"; a frame cannot start at "unbounded following"',
    )
    expect(errorOf({ kind: 'range', start: 'unbounded following', end: 'unbounded following' }).message).toBe(
      'window frame start: got "unbounded following"; a frame cannot start at "unbounded following"',
    )
  })

  it('rejects a frame ending at unbounded preceding', () => {
    expect(errorOf({ kind: 'rows', start: 'unbounded preceding', end: 'unbounded preceding' }).message).toBe(
      'window frame end: got "unbounded preceding"; a frame cannot end at "unbounded preceding"',
    )
  })

  it.each<[WindowFrame, string]>([
    [
      { kind: 'rows', start: 'current row', end: { preceding: 1 } },
      '{"kind":"rows","start":"current row","end":{"preceding":1}}',
    ],
    [{ kind: 'rows', start: { following: 1 } }, '{"kind":"rows","start":{"following":1}}'],
    [
      { kind: 'range', start: { following: 1 }, end: { preceding: 1 } },
      '{"kind":"range","start":{"following":1},"end":{"preceding":1}}',
    ],
    [
      { kind: 'groups', start: 'current row', end: { preceding: 0 } },
      '{"kind":"groups","start":"current row","end":{"preceding":0}}',
    ],
  ])('rejects a start after the end: %j', (frame, shown) => {
    expect(errorOf(frame).message).toBe(`window frame: got ${shown}; the start must not come after the end`)
  })

  it.each<[FrameBound, FrameBound, string]>([
    [{ preceding: -1 }, 'current row', 'window frame preceding offset: got -1; expected a non-negative integer'],
    [{ preceding: 1.5 }, 'current row', 'window frame preceding offset: got 1.5; expected a non-negative integer'],
    ['current row', { following: -2 }, 'window frame following offset: got -2; expected a non-negative integer'],
    ['current row', { following: 0.25 }, 'window frame following offset: got 0.25; expected a non-negative integer'],
    [
      { preceding: 2 ** 53 },
      'current row',
      'window frame preceding offset: got 9007199254740992; expected a non-negative integer',
    ],
    [
      { preceding: '1' as unknown as number },
      'current row',
      'window frame preceding offset: got "1"; expected a non-negative integer',
    ],
  ])('rejects the offset in %j .. %j', (start, end, message) => {
    expect(errorOf({ kind: 'rows', start, end }).message).toBe(message)
  })

  it('rejects offsets that are not finite numbers', () => {
    for (const offset of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const { message } = errorOf({ kind: 'rows', start: { preceding: offset } })
      expect(message.startsWith('window frame preceding offset: got ')).toBe(true)
      expect(message.endsWith('; expected a non-negative integer')).toBe(true)
    }
  })

  it('rejects an unknown frame kind', () => {
    expect(errorOf({ kind: 'row', start: 'current row' }).message).toBe(
      'window frame kind: got "row"; expected "rows", "range" or "groups"',
    )
  })
})

describe('window frames from untyped callers', () => {
  const eb = expressionBuilder<{ t: { a: number } }, 't'>()
  const frame = (f: unknown) => () => windowed(eb, sql`count(*)`, { frame: f as WindowFrame })
  it('rejects kinds and bounds that are not frames, naming what is valid', () => {
    expect(frame({ kind: 'toString', start: 'current row' })).toThrow(
      'window frame kind: got "toString"; expected "rows", "range" or "groups"',
    )
    expect(frame({ kind: 'rows', start: 'current' })).toThrow(
      /window frame start: got "current"; expected "unbounded preceding"/,
    )
    expect(frame({ kind: 'rows', start: null })).toThrow(ModelHubInputError)
    expect(frame({ kind: 'rows', start: { preceding: Number.NaN } })).toThrow(
      'window frame preceding offset: got NaN; expected a non-negative integer',
    )
  })
  it('rejects offsets whose start lies after the end', () => {
    expect(frame({ kind: 'rows', start: { preceding: 1 }, end: { preceding: 3 } })).toThrow(
      /start must not come after the end/,
    )
    expect(frame({ kind: 'rows', start: { following: 3 }, end: { following: 1 } })).toThrow(
      /start must not come after the end/,
    )
    expect(frame({ kind: 'rows', start: { preceding: 3 }, end: { preceding: 1 } })).not.toThrow()
  })
})
