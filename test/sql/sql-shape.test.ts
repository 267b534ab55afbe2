import { createPostgresDb } from '@kysely-modelhub/postgres'
import { type AliasedSelectQueryBuilder, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { readableSqlPlugin } from '../../packages/modelhub/src/sql-shape/readable-sql-plugin.ts'

/**
 * The rules of the readable-SQL plugin on small queries (docs/performance.md, "The SQL a model
 * exports"): what it drops, and what it must keep for the rows to stay the same. The behaviour
 * suites check the values of every model's shaped SQL on every engine.
 */
const plain = createPostgresDb<any>({ connectionString: 'postgresql://localhost:1/never-connected' })
const db = plain.withPlugin(readableSqlPlugin())
const text = (q: { compile(): { sql: string } }) => q.compile().sql

describe('readable SQL plugin', () => {
  it('drops unread columns and the stages left passing columns on, and names the rest', () => {
    const stage = db.selectFrom('t').select(['a', 'b', sql<number>`b * 2`.as('c')])
    const middle = db.selectFrom(stage.as('s')).selectAll('s')
    const q = db.selectFrom(middle.as('m')).select(['m.a'])
    // Every stage only passes `a` on: the query is its first stage.
    expect(text(q)).toBe('select "a" from "t"')
    const computed = db.selectFrom(middle.as('m')).select([sql<number>`${sql.ref('m.c')} + 1`.as('d')])
    expect(text(computed)).toBe('with "s" as (select b * 2 as "c" from "t") select "c" + 1 as "d" from "s"')
  })

  it('makes one stage of two that only rename columns, and none when the renames undo each other', () => {
    const hidden = db.selectFrom('t').select(['a as __a', 'b'])
    const count = (stage: { as(alias: 's'): AliasedSelectQueryBuilder<{ a: unknown; c: unknown }, 's'> }) =>
      text(db.selectFrom(stage.as('s')).select(sql<number>`count(*)`.as('n')).groupBy(['s.a', 's.c']))
    // `__a` back to `a`: only `b as c` is left to say.
    expect(count(db.selectFrom(hidden.as('h')).select(['h.__a as a', 'h.b as c']))).toBe(
      'with "s" as (select "a", "b" as "c" from "t") select count(*) as "n" from "s" group by "a", "c"',
    )
    // Nothing left to say: the query reads the table.
    const undone = db.selectFrom(hidden.as('h')).select(['h.__a as a', 'h.b as c'])
    expect(
      text(
        db
          .selectFrom(undone.as('s'))
          .select(['s.a', sql<number>`count(*)`.as('n')])
          .groupBy('s.a'),
      ),
    ).toBe('select "a", count(*) as "n" from "t" group by "a"')
    // A stage that filters is not a renaming: both stay.
    expect(count(db.selectFrom(hidden.as('h')).select(['h.__a as a', 'h.b as c']).where('h.b', '>', 1))).toBe(
      'with "h" as (select "a" as "__a", "b" from "t"), "s" as (select "__a" as "a", "b" as "c" from "h" where "b" > $1) select count(*) as "n" from "s" group by "a", "c"',
    )
  })

  it('keeps the items of a DISTINCT stage and of an aggregate without GROUP BY', () => {
    const distinct = db.selectFrom('t').select(['a', 'b']).distinct()
    const counted = db.selectFrom('t').select([sql<number>`count(*)`.as('n'), sql<number>`max(b)`.as('m')])
    expect(text(db.selectFrom(distinct.as('d')).select('d.a'))).toBe(
      'with "d" as (select distinct "a", "b" from "t") select "a" from "d"',
    )
    expect(text(db.selectFrom(counted.as('c')).select('c.m'))).toBe(
      'with "c" as (select count(*) as "n", max(b) as "m" from "t") select "m" from "c"',
    )
  })

  it('keeps what a * or an ambiguous unqualified name may read', () => {
    const left = db.selectFrom('t').select(['a', 'b'])
    const right = db.selectFrom('u').select(['a', 'c'])
    const joined = db
      .selectFrom(left.as('l'))
      .innerJoin(right.as('r'), 'l.a', 'r.a')
      .select([sql<number>`${sql.ref('b')}`.as('x')])
    expect(text(joined)).toBe(
      'with "l" as (select "a", "b" from "t"), "r" as (select "a" from "u") select "b" as "x" from "l" inner join "r" on "l"."a" = "r"."a"',
    )
    expect(text(db.selectFrom(left.as('l')).selectAll())).toBe(
      'with "l" as (select "a", "b" from "t") select * from "l"',
    )
  })

  it('keeps a column that raw SQL text of the reader names (it cannot be told apart)', () => {
    const stage = db.selectFrom('t').select(['a', 'b', 'event_type']).where('b', '>', 1)
    const q = db
      .selectFrom(stage.as('s'))
      .select([sql<number>`count(*) filter (where event_type = 'PressEvent')`.as('n')])
      .groupBy('s.a')
    expect(text(q)).toBe(
      `with "s" as (select "a", "event_type" from "t" where "b" > $1) select count(*) filter (where event_type = 'PressEvent') as "n" from "s" group by "a"`,
    )
  })

  it('reads no column from the text of a string literal, unless its end depends on the dialect', () => {
    const stage = db.selectFrom('t').select(['a', 'day', 'moment']).where('b', '>', 1)
    const read = (raw: ReturnType<typeof sql>) => text(db.selectFrom(stage.as('s')).select([raw.as('x')]))
    expect(read(sql`date_trunc('day', moment)`)).toBe(
      `with "s" as (select "moment" from "t" where "b" > $1) select date_trunc('day', moment) as "x" from "s"`,
    )
    expect(read(sql`date_trunc(E'day', moment) || 'it''s' || "a"`)).toBe(
      `with "s" as (select "a", "moment" from "t" where "b" > $1) select date_trunc(E'day', moment) || 'it''s' || "a" as "x" from "s"`,
    )
    // 'x\' ends at its second quote in standard SQL, but not where a backslash escapes: from there
    // every word counts (day too).
    expect(read(sql`concat('x\\', day, 'y')`)).toContain('(select "day" from "t"')
    // A quote inside an identifier starts no literal.
    expect(read(sql`"it's" || day || 'z'`)).toContain('(select "day" from "t"')
  })

  it('never names a stage like a table the query reads, nor twice alike', () => {
    const inner = db.selectFrom('events').select([sql<number>`a + 1`.as('a')])
    const outer = db.selectFrom(inner.as('events')).select([sql<number>`a + 2`.as('a')])
    const q = db.selectFrom(outer.as('events')).select([sql<number>`a + 3`.as('a')])
    expect(text(q)).toBe(
      'with "events_2" as (select a + 1 as "a" from "events"), "events_3" as (select a + 2 as "a" from "events_2" as "events") select a + 3 as "a" from "events_3" as "events"',
    )
  })

  it("leaves a query built without the plugin as written, shaping the hub's query inside it alone", () => {
    const stage = db.selectFrom('t').select(['a', 'b'])
    const q = plain.selectFrom(db.selectFrom(stage.as('s')).select('s.a').as('x')).selectAll()
    expect(text(q)).toBe('select * from (select "a" from "t") as "x"')
    const doubled = db.selectFrom('t').select([sql<number>`b * 2`.as('c'), 'a'])
    const computed = db.selectFrom(doubled.as('s')).select([sql<number>`${sql.ref('s.c')} + 1`.as('y')])
    expect(text(plain.selectFrom(computed.as('x')).selectAll())).toBe(
      'select * from (with "s" as (select b * 2 as "c" from "t") select "c" + 1 as "y" from "s") as "x"',
    )
  })
})
