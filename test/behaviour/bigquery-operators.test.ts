import { bigquery } from '@kysely-modelhub/bigquery'
import {
  type CalendarUnit,
  formatTimeJs,
  globalContexts,
  type JsonMatch,
  type JsonScalar,
  type LocationStack,
  locationStack,
  parseTimeFormat,
  STRFTIME_CODES,
} from '@kysely-modelhub/core'
import fc from 'fast-check'
import { type AliasableExpression, type Expression, type Kysely, sql } from 'kysely'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import {
  context,
  HOSTILE_IDS,
  LIST_COLUMN,
  MIXED_COLUMN,
  OBJECTIV_NICE_NAMES,
  OBJECTIV_STACKS,
  REAL_GLOBAL_CONTEXTS,
  REAL_NICE_NAMES,
  REAL_STACKS,
} from '../fixtures/location-stacks.ts'
import { reference } from '../support/json-reference.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * The bigquery engine's SQL executed on ZetaSQL's reference implementation (what BigQuery
 * implements), compared with the plain TypeScript references every engine must agree with.
 */

const doc = context('WebDocumentContext', '#document', { url: 'https://objectiv.io/' })
const main = context('SectionContext', 'main')
const docsLink = context('LinkContext', 'docs')
const SIZES: (unknown[] | null)[] = [null, [], [doc], [doc, main, docsLink]]
const HOSTILE = HOSTILE_IDS.map((id) => [doc, context('LinkContext', id, { [id]: id })])

const GROUPS: Record<string, unknown[]> = {
  list: LIST_COLUMN,
  mixed: MIXED_COLUMN,
  real: REAL_STACKS,
  objectiv: Object.values(OBJECTIV_STACKS),
  sizes: SIZES,
  hostile: HOSTILE,
}

const INSTANTS = [
  '1970-01-01 00:00:00',
  '2021-01-03 23:59:59.999999',
  '2021-09-15 08:09:10.5',
  '2024-02-29 12:34:56.789012',
  '2024-12-30 00:00:00',
  '2100-12-31 07:08:09.000042',
]

const TABLES = {
  json_rows: {
    columns: { grp: 'STRING', i: 'INT64', v: 'JSON', gc: 'JSON' },
    rows: Object.entries(GROUPS).flatMap(([grp, values]) =>
      values.map((v, i) => ({
        grp,
        i,
        v: v === null ? null : JSON.stringify(v),
        gc: JSON.stringify(REAL_GLOBAL_CONTEXTS),
      })),
    ),
  },
  instants: { columns: { i: 'INT64', m: 'TIMESTAMP' }, rows: INSTANTS.map((m, i) => ({ i, m })) },
} as const

/** Property runs; NIGHTLY=1 runs more with a random seed. */
const RUNS = process.env.NIGHTLY ? { numRuns: 1000 } : { numRuns: 150, seed: 20261128 }

/** A stored value as an array the references take: a non-array reads as NULL (no elements). */
const asArray = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : null)

interface Db {
  json_rows: { grp: string; i: number; v: unknown; gc: unknown }
  instants: { i: number; m: Date }
}

describe('bigquery engine on ZetaSQL [bigquery(zetasql)]', () => {
  let db: Kysely<Db>
  beforeAll(() => {
    db = createZetaSqlDb<Db>(inject('zetasqlPort'), TABLES)
  })

  /** One value per row of a group, in row order. */
  async function column<T>(grp: string, build: (ls: LocationStack) => AliasableExpression<T>): Promise<T[]> {
    const rows = await db
      .selectFrom('json_rows')
      .select((eb) => build(locationStack(eb.ref('v') as Expression<any>, bigquery)).as('out'))
      .where('grp', '=', grp)
      .orderBy('i')
      .execute()
    return rows.map((r) => r.out as T)
  }

  const MATCHES: JsonMatch[] = [
    { _type: 'SectionContext' },
    { id: 'd' },
    { _type: 'a' },
    { _type: 'WebDocumentContext' },
    { id: 'cta-repo-button', _type: 'LinkContext' },
    { _type: 'NavigationContext' },
    { id: 'navbar-top' },
    { a: 'b' },
  ]

  for (const grp of Object.keys(GROUPS)) {
    const values = (GROUPS[grp] as unknown[]).map(asArray)

    it(`slices group ${grp} like Python, always returning an array`, async () => {
      for (const [a, b] of [[1], [1, -1], [], [-2], [-10, 10], [3, 1], [0, 2], [-3, -1]] as [number?, number?][]) {
        expect(await column(grp, (ls) => ls.slice(a, b))).toEqual(values.map((v) => reference.slice(v, a, b)))
      }
    })

    it(`slices group ${grp} from, until and between first matches, and filters`, async () => {
      for (const match of MATCHES) {
        expect(await column(grp, (ls) => ls.from(match))).toEqual(values.map((v) => reference.from(v, match)))
        expect(await column(grp, (ls) => ls.until(match))).toEqual(values.map((v) => reference.until(v, match)))
        expect(await column(grp, (ls) => ls.filter(match))).toEqual(values.map((v) => reference.filter(v, match)))
        expect(await column(grp, (ls) => ls.contains(match))).toEqual(values.map((v) => reference.contains(v, match)))
      }
      expect(await column(grp, (ls) => ls.slice(1).until({ id: 'd' }))).toEqual(
        values.map((v) => reference.until(reference.slice(v, 1), { id: 'd' })),
      )
      expect(await column(grp, (ls) => ls.between({ _type: 'a' }, { id: 'd' }))).toEqual(
        values.map((v) => reference.until(reference.from(v, { _type: 'a' }), { id: 'd' })),
      )
    })

    it(`reads elements and lengths of group ${grp}, NULL out of range`, async () => {
      for (const index of [0, 1, -1, -3, -4, -5, 7]) {
        expect(await column(grp, (ls) => ls.at(index))).toEqual(values.map((v) => reference.at(v, index)))
      }
      expect(await column(grp, (ls) => ls.length())).toEqual(values.map((v) => (v ?? []).length))
    })
  }

  it('reads object members as JSON, NULL when missing or on arrays', async () => {
    expect(
      await column('mixed', (ls) => bigquery.jsonField(ls as Expression<unknown>, 'a') as AliasableExpression<unknown>),
    ).toEqual(['b', null, 'b', null, null])
  })

  it("names Objectiv's test stacks exactly as Objectiv does", async () => {
    expect(await column('real', (ls) => ls.niceName())).toEqual(REAL_NICE_NAMES)
    expect(await column('objectiv', (ls) => ls.niceName())).toEqual(Object.values(OBJECTIV_NICE_NAMES))
    expect(await column('sizes', (ls) => ls.niceName())).toEqual(SIZES.map((s) => reference.niceName(s as never)))
  })

  it('keeps only _type and id in the feature stack', async () => {
    for (const grp of ['real', 'objectiv', 'sizes', 'hostile']) {
      const expected = (GROUPS[grp] as (Record<string, unknown>[] | null)[]).map((s) =>
        (s ?? []).map((c) => ({ _type: c._type, id: c.id })),
      )
      expect(await column(grp, (ls) => ls.featureStack())).toEqual(expected)
    }
    expect(await column('real', (ls) => ls.featureStack().niceName())).toEqual(REAL_NICE_NAMES)
  })

  it('reads a field of the first context of a type', async () => {
    const stacks = Object.values(OBJECTIV_STACKS)
    const first = (type: string, key: string) =>
      stacks.map((s) => {
        const found = s.find((c) => c._type === type)?.[key]
        return found === undefined ? null : found
      })
    expect(await column('objectiv', (ls) => ls.get('SectionContext', 'id'))).toEqual(first('SectionContext', 'id'))
    expect(await column('objectiv', (ls) => ls.get('WebDocumentContext', 'url'))).toEqual(
      first('WebDocumentContext', 'url'),
    )
  })

  it('matches ids with quotes, backslashes, wildcards, placeholders and unicode exactly', async () => {
    for (const [i, id] of HOSTILE_IDS.entries()) {
      const link = HOSTILE[i]?.[1]
      expect(await column('hostile', (ls) => ls.from({ id, _type: 'LinkContext' }))).toEqual(
        HOSTILE.map((s) => reference.from(s, { id, _type: 'LinkContext' })),
      )
      expect((await column('hostile', (ls) => ls.from({ id, _type: 'LinkContext' })))[i]).toEqual([link])
      expect(await column('hostile', (ls) => ls.contains({ [id]: id }))).toEqual(HOSTILE.map((_, j) => j === i))
      expect((await column('hostile', (ls) => ls.niceName()))[i]).toBe(`Link: ${id} located at Web Document: #document`)
      expect((await column('hostile', (ls) => ls.get('LinkContext', id)))[i]).toBe(id)
    }
  })

  it('reads global contexts: the first of a type, and a field of the first', async () => {
    const rows = await db
      .selectFrom('json_rows')
      .select((eb) => {
        const gc = globalContexts(eb.ref('gc') as Expression<any>, bigquery)
        return [
          gc.ofType('CookieIdContext').get('cookie_id').as('cookie'),
          gc.ofType('HttpContext').get('user_agent').as('agent'),
          gc.ofType('MarketingContext').get('source').as('source'),
          gc.ofType('ApplicationContext').as('app'),
          gc.get('id').as('first_id'),
          gc.length().as('n'),
        ]
      })
      .where('grp', '=', 'real')
      .execute()
    expect(rows).toHaveLength(6)
    for (const row of rows) {
      expect(row).toEqual({
        cookie: 'f84446c6-eb76-4458-8ef4-93ade596fd5b',
        agent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:94.0) Gecko/20100101 Firefox/94.0',
        source: null,
        app: [REAL_GLOBAL_CONTEXTS[0]],
        first_id: 'rod-web-demo',
        n: 3,
      })
    }
  })

  // GoogleSQL cannot GROUP BY an expression holding a subquery (most operators do): group by the
  // selected column's name instead, which BigQuery allows.
  it('is usable in where, and in groupBy and orderBy through the selected name', async () => {
    const rows = await db
      .selectFrom('json_rows')
      .where('grp', '=', 'objectiv')
      .where((eb) => locationStack(eb.ref('v') as Expression<any>, bigquery).contains({ _type: 'OverlayContext' }))
      .select((eb) => [
        locationStack(eb.ref('v') as Expression<any>, bigquery)
          .get('SectionContext', 'id')
          .as('section'),
        eb.fn.countAll<number>().as('n'),
      ])
      .groupBy(sql.ref('section') as never)
      .orderBy(sql.ref('section') as never)
      .execute()
    expect(rows).toEqual([{ section: 'navbar-top', n: 5 }])
  })

  /** A JSON array given as a parameter, parsed by the engine. */
  const parsed = (value: unknown) => locationStack(bigquery.parseJson(sql`${JSON.stringify(value)}`) as never, bigquery)
  const parsedOrNull = (value: unknown) =>
    value === null ? locationStack(sql`cast(null as json)`, bigquery) : parsed(value)

  it('matches every given key with an equal JSON value: numbers, booleans and null too', async () => {
    const stack = [{ n: 1, b: true, z: null, s: '1' }, { n: 1.5, b: false }, { s: 1 }, { n: 1.0, big: 1e21 }]
    const probe = async (match: Record<string, JsonScalar>) =>
      (await sql<{ out: unknown[] }>`select ${parsed(stack).filter(match)} as out`.execute(db)).rows[0]?.out
    expect(await probe({ n: 1 })).toEqual([stack[0], stack[3]])
    expect(await probe({ n: 1.5, b: false })).toEqual([stack[1]])
    expect(await probe({ b: true })).toEqual([stack[0]])
    expect(await probe({ z: null })).toEqual([stack[0]])
    expect(await probe({ s: '1' })).toEqual([stack[0]])
    expect(await probe({ s: 1 })).toEqual([stack[2]])
    expect(await probe({ big: 1e21 })).toEqual([stack[3]])
    expect(await probe({ n: 1, b: false })).toEqual([])
    expect(await probe({ missing: null })).toEqual([])
  })

  it('names types by splitting camel case and dropping a final " Context" only', async () => {
    const stack = [
      { _type: 'MyContextHolderContext', id: 'a' },
      { _type: 'SectionContext' },
      { _type: 'ContextMenuContext', id: 'c' },
    ]
    const { rows } = await sql<{ out: string }>`select ${parsed(stack).niceName()} as out`.execute(db)
    expect(rows[0]?.out).toBe('Context Menu: c located at My Context Holder: a => Section')
  })

  /** Any text an engine can store: full Unicode, hostile favourites included. */
  const text = fc
    .oneof(
      fc.constantFrom(...HOSTILE_IDS),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    )
    .filter((s) => !s.includes('\u0000') && s.isWellFormed())
  const key = fc.oneof(fc.constantFrom('_type', 'id', 'url'), text)
  const scalar: fc.Arbitrary<JsonScalar> = fc.oneof(
    text,
    fc.constantFrom('LinkContext', 'SectionContext', 'a'),
    fc.integer({ min: -3, max: 3 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  )
  const element = fc.dictionary(key, scalar, { maxKeys: 4 })
  const stackAndMatch = fc.option(fc.array(element, { maxLength: 6 }), { nil: null }).chain((s) => {
    const made = fc.dictionary(key, scalar, { minKeys: 1, maxKeys: 3 })
    const nonEmpty = (s ?? []).filter((e) => Object.keys(e).length > 0)
    const taken =
      nonEmpty.length > 0
        ? fc
            .constantFrom(...nonEmpty)
            .chain((e) =>
              fc.subarray(Object.entries(e), { minLength: 1 }).map((entries) => Object.fromEntries(entries)),
            )
        : made
    return fc.tuple(fc.constant(s), fc.oneof(taken, made) as fc.Arbitrary<JsonMatch>)
  })

  it('finds exactly the elements a plain JS implementation finds, for any match values', async () => {
    await fc.assert(
      fc.asyncProperty(
        stackAndMatch,
        fc.integer({ min: -8, max: 8 }),
        fc.integer({ min: -8, max: 8 }),
        async ([raw, match], a, b) => {
          const s: Record<string, JsonScalar>[] | null = JSON.parse(JSON.stringify(raw))
          const ls = parsedOrNull(s)
          const { rows } = await sql<Record<string, unknown>>`select
            ${ls.from(match)} as \`from\`, ${ls.until(match)} as \`until\`, ${ls.filter(match)} as \`filter\`,
            ${ls.contains(match)} as \`contains\`, ${ls.slice(a, b)} as \`slice\`, ${ls.slice(a)} as \`tail\`,
            ${ls.at(a)} as \`at\`, ${ls.length()} as \`length\``.execute(db)
          expect(rows[0]).toEqual({
            from: reference.from(s, match),
            until: reference.until(s, match),
            filter: reference.filter(s, match),
            contains: reference.contains(s, match),
            slice: reference.slice(s, a, b),
            tail: reference.slice(s, a),
            at: reference.at(s, a),
            length: (s ?? []).length,
          })
        },
      ),
      RUNS,
    )
  })

  it('names any stack of string-typed contexts as the reference does', async () => {
    const name = fc.oneof(
      text,
      fc.constantFrom('WebDocumentContext', 'ContextMenuContext', 'aBcD', 'Context', ' Context'),
    )
    const contexts = fc.array(fc.record({ _type: name, id: text }, { requiredKeys: ['_type'] }), { maxLength: 5 })
    await fc.assert(
      fc.asyncProperty(fc.option(contexts, { nil: null }), async (s) => {
        const { rows } = await sql<{ nice: string | null }>`select ${parsedOrNull(s).niceName()} as nice`.execute(db)
        expect(rows[0]?.nice).toBe(reference.niceName(s))
      }),
      RUNS,
    )
  })

  it('quotes any text as a literal that reads back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 8 }), async (values) => {
        const literals = values.map((v) => sql.raw(bigquery.quoteString(v)))
        const { rows } = await sql<{ v: string[] }>`select [${sql.join(literals)}] as v`.execute(db)
        expect(rows[0]?.v).toEqual(values)
      }),
      RUNS,
    )
  })

  it('truncates to and counts calendar units in UTC, as the postgres engine does', async () => {
    const at = (text: string) => sql`timestamp(${text})`
    const units: CalendarUnit[] = ['day', 'week', 'month', 'year']
    const start = at('2021-12-31 23:00:00')
    const end = at('2022-01-03 00:30:00') // a Monday
    const {
      rows: [result],
    } = await sql<Record<string, unknown>>`select ${sql.join(
      units.flatMap((unit) => [
        sql`${bigquery.truncateTime(start, unit)} as ${sql.id(`trunc_${unit}`)}`,
        sql`${bigquery.calendarUnitsBetween(start, end, unit)} as ${sql.id(`between_${unit}`)}`,
        sql`${bigquery.calendarUnitsBetween(end, start, unit)} as ${sql.id(`back_${unit}`)}`,
      ]),
    )}, ${bigquery.epochSecondsBetween(start, end)} as seconds, ${bigquery.epochSecondsBetween(
      end,
      at('2022-01-03 00:29:59.000250'),
    )} as back_seconds`.execute(db)
    expect(result).toEqual({
      trunc_day: new Date('2021-12-31T00:00:00Z'),
      between_day: 3,
      back_day: -3,
      trunc_week: new Date('2021-12-27T00:00:00Z'),
      between_week: 1,
      back_week: -1,
      trunc_month: new Date('2021-12-01T00:00:00Z'),
      between_month: 1,
      back_month: -1,
      trunc_year: new Date('2021-01-01T00:00:00Z'),
      between_year: 1,
      back_year: -1,
      seconds: 2 * 86400 + 5400,
      back_seconds: -0.99975,
    })
    expect(() => bigquery.truncateTime(start, 'fortnight' as never)).toThrow(
      'calendar unit: got "fortnight"; expected one of day, week, month, year',
    )
  })

  it('finds strings in arrays, empties NULL arrays, reads dates and text', async () => {
    const types = parsed(['AbstractEvent', 'ClickEvent', 1, null, "it's"])
    const { rows } = await sql<Record<string, unknown>>`select
      ${bigquery.jsonIncludesString(types, 'ClickEvent')} as click,
      ${bigquery.jsonIncludesString(types, "it's")} as quoted,
      ${bigquery.jsonIncludesString(types, '1')} as one,
      ${bigquery.jsonIncludesString(sql`cast(null as json)`, 'x')} as of_null,
      ${bigquery.jsonArrayOrEmpty(sql`cast(null as json)`)} as empty,
      ${bigquery.jsonArrayOrEmpty(types)} as kept,
      ${bigquery.date('2021-12-03')} as day,
      ${bigquery.toText(sql`42`)} as text,
      ${bigquery.codePointOrder(sql`'b'`)} < ${bigquery.codePointOrder(sql`'é'`)} as ordered,
      ${bigquery.jsonFieldText(bigquery.parseJson(sql`${'{"n": 1.5, "o": {"a": [1]}, "z": null, "s": "\\u00e9\\""}'}`), 's')} as s,
      ${bigquery.jsonFieldText(bigquery.parseJson(sql`${'{"n": 1.5, "o": {"a": [1]}, "z": null}'}`), 'n')} as n,
      ${bigquery.jsonFieldText(bigquery.parseJson(sql`${'{"n": 1.5, "o": {"a": [1]}, "z": null}'}`), 'o')} as o,
      ${bigquery.jsonFieldText(bigquery.parseJson(sql`${'{"n": 1.5, "o": {"a": [1]}, "z": null}'}`), 'z')} as z`.execute(
      db,
    )
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
      o: '{"a":[1]}',
      z: null,
    })
  })

  it('reads back hostile identifiers and string literals as compiled by the dialect', async () => {
    // Output names starting with '$' are ZetaSQL's internal (anonymous) names, and blank ones are invalid.
    const names = HOSTILE_IDS.filter((id) => id.trim() !== '' && !id.startsWith('$'))
    const rows = await db
      .selectFrom('json_rows')
      .select(names.map((name, i) => sql.lit(`${i}:${name}`).as(name)))
      .where('grp', '=', 'list')
      .where('i', '=', 0)
      .execute()
    expect(Object.keys(rows[0] ?? {})).toEqual(names)
    expect(rows).toEqual([Object.fromEntries(names.map((name, i) => [name, `${i}:${name}`]))])
  })

  describe('time formats', () => {
    /** A timestamp text (UTC) as the Date and extra microseconds formatTimeJs takes. */
    function jsInstant(text: string): { date: Date; micros: number } {
      const [whole, fraction = ''] = text.split('.')
      const digits = fraction.padEnd(6, '0')
      return {
        date: new Date(`${(whole as string).replace(' ', 'T')}.${digits.slice(0, 3)}Z`),
        micros: Number(digits.slice(3)),
      }
    }

    async function formatTable(format: string): Promise<string[]> {
      const rows = await db
        .selectFrom('instants')
        .select((eb) => bigquery.timeFormat(eb.ref('m'), parseTimeFormat(format)).as('v'))
        .orderBy('i')
        .execute()
      return rows.map((row) => row.v)
    }

    const expected = (format: string) =>
      INSTANTS.map((t) => formatTimeJs(jsInstant(t).date, parseTimeFormat(format), jsInstant(t).micros))

    for (const code of Object.keys(STRFTIME_CODES)) {
      it(`prints %${code} as formatTimeJs does`, async () => {
        expect(await formatTable(`%${code}`)).toEqual(expected(`%${code}`))
      })
    }

    it.each([
      '%a %w %u|%F %T.%f|%G-W%V-%u|%j',
      '%d%j%H%M%S%f%y%Y',
      '%S%f',
      '%f%f',
      '"\\\'%%Y %%%Y %%E6S %%Q',
      "'); drop table instants; -- $1 @p0 ? %Y",
      'é ✓ 😀 日本 %d',
    ])('prints a whole format as formatTimeJs does: %s', async (format) => {
      expect(await formatTable(format)).toEqual(expected(format))
    })

    it('gives NULL for a NULL timestamp', async () => {
      const { rows } = await sql<{ a: string | null; b: string | null }>`select ${bigquery.timeFormat(
        sql`cast(null as timestamp)`,
        parseTimeFormat('%Y'),
      )} as a, ${bigquery.timeFormat(sql`cast(null as timestamp)`, parseTimeFormat('%Y %f'))} as b`.execute(db)
      expect(rows).toEqual([{ a: null, b: null }])
    })

    it('agrees with formatTimeJs for random instants and formats', async () => {
      const code = fc.constantFrom(...Object.keys(STRFTIME_CODES).map((c) => `%${c}`))
      const literal = fc.oneof(
        fc.constantFrom('"', '\\', "'", '%%', '%%E6S', 'YYYY', ' ', '-', '$1', '@p0', '?', '--'),
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 3 })
          .filter((s) => !s.includes('%') && !s.includes('\u0000') && s.isWellFormed()),
      )
      const format = fc.array(fc.oneof(code, literal), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''))
      const anyInstant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 11, 31, 23, 59, 59, 999) })
      const newYear = fc
        .record({
          year: fc.integer({ min: 1970, max: 2099 }),
          day: fc.integer({ min: 0, max: 7 }),
          time: fc.integer({ min: 0, max: 86_399_999 }),
        })
        .map(({ year, day, time }) => Date.UTC(year, 11, 28 + day) + time)
      const instant = fc.record({ ms: fc.oneof(anyInstant, newYear), micros: fc.integer({ min: 0, max: 999 }) })
      await fc.assert(
        fc.asyncProperty(format, fc.array(instant, { minLength: 1, maxLength: 4 }), async (source, instants) => {
          const parsedFormat = parseTimeFormat(source)
          const texts = instants.map(
            ({ ms, micros }) => `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}`,
          )
          const values = texts.map((t, i) => sql`select ${sql.lit(i)} as i, timestamp(${t}) as m`)
          const { rows } = await sql<{ v: string }>`select ${bigquery.timeFormat(
            sql.ref('t.m') as Expression<unknown>,
            parsedFormat,
          )} as v from (${sql.join(values, sql` union all `)}) as t order by t.i`.execute(db)
          expect(rows.map((row) => row.v)).toEqual(
            instants.map(({ ms, micros }) => formatTimeJs(new Date(ms), parsedFormat, micros)),
          )
        }),
        { seed: 42, numRuns: 150 },
      )
    })
  })
})
