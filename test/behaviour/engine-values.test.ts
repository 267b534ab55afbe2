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
})
