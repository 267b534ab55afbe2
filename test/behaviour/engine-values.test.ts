import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachEngine } from '../support/engines.ts'

/** The engine's small value helpers the pipeline builds on, the same on every engine. */
describeEachEngine('engine value helpers', (ctx) => {
  const e = ctx.engine
  const json = (value: unknown) => e.parseJson(sql`${JSON.stringify(value)}`)
  const nullJson = sql`cast(null as ${sql.raw(ctx.isPostgres ? 'jsonb' : 'json')})`

  it('finds strings in arrays, empties NULL arrays, reads dates, text and JSON fields', async () => {
    const types = json(['AbstractEvent', 'ClickEvent', 1, null, "it's"])
    const object = json({ n: 1.5, o: { a: [1] }, z: null, s: 'é"' })
    const { rows } = await sql<Record<string, unknown>>`select
      ${e.jsonIncludesString(types, 'ClickEvent')} as ${sql.id('click')},
      ${e.jsonIncludesString(types, "it's")} as ${sql.id('quoted')},
      ${e.jsonIncludesString(types, '1')} as ${sql.id('one')},
      ${e.jsonIncludesString(nullJson, 'x')} as ${sql.id('of_null')},
      ${e.jsonArrayOrEmpty(nullJson)} as ${sql.id('empty')},
      ${e.jsonArrayOrEmpty(types)} as ${sql.id('kept')},
      ${e.date('2021-12-03')} as ${sql.id('day')},
      ${e.toText(sql`42`)} as ${sql.id('text')},
      ${e.codePointOrder(sql`'b'`)} < ${e.codePointOrder(sql`'é'`)} as ${sql.id('ordered')},
      ${e.jsonFieldText(object, 's')} as ${sql.id('s')},
      ${e.jsonFieldText(object, 'n')} as ${sql.id('n')},
      ${e.jsonFieldText(object, 'o')} as ${sql.id('o')},
      ${e.jsonFieldText(object, 'z')} as ${sql.id('z')}`.execute(ctx.db)
    expect(rows[0]).toEqual({
      click: true,
      quoted: true,
      one: false,
      of_null: false,
      empty: [],
      kept: ['AbstractEvent', 'ClickEvent', 1, null, "it's"],
      day: '2021-12-03',
      text: '42',
      ordered: true,
      s: 'é"',
      n: '1.5',
      // An object member is its JSON text, spaced as each engine writes JSON.
      o: ctx.isPostgres ? '{"a": [1]}' : '{"a":[1]}',
      z: null,
    })
  })

  it('tells whether an instant is within whole seconds of another: exactly at the limit, a microsecond past, NULL', async () => {
    const at = (text: string) => sql`timestamp ${sql.lit(text)}`
    const start = at('2021-12-31 23:30:00')
    const { rows } = await sql<Record<string, unknown>>`select
      ${e.withinSeconds(start, at('2022-01-01 00:00:00'), 1800)} as ${sql.id('at_limit')},
      ${e.withinSeconds(start, at('2022-01-01 00:00:00.000001'), 1800)} as ${sql.id('past')},
      ${e.withinSeconds(start, at('2021-12-31 23:29:59'), 0)} as ${sql.id('earlier')},
      ${e.withinSeconds(start, at('2022-01-02 23:30:00'), 86_400)} as ${sql.id('day_later')},
      ${e.withinSeconds(sql`cast(null as timestamp)`, start, 1800)} as ${sql.id('of_null')}`.execute(ctx.db)
    expect(rows[0]).toEqual({ at_limit: true, past: false, earlier: true, day_later: false, of_null: null })
    expect(() => e.withinSeconds(start, start, 1.5)).toThrow(/whole number of seconds/)
  })
})
