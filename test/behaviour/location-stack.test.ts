import { globalContexts, type LocationStack, locationStack, ModelHubInputError } from '@kysely-modelhub/core'
import { type AliasableExpression, type Expression, type ExpressionBuilder, sql } from 'kysely'
import { expect, it } from 'vitest'
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
import { describeEachEngine } from '../support/engines.ts'
import type { TestTable } from '../support/test-tables.ts'

interface Db {
  json_rows: { grp: string; i: number; v: any; gc: any }
}

const doc = context('WebDocumentContext', '#document', { url: 'https://objectiv.io/' })
const main = context('SectionContext', 'main')
const docsLink = context('LinkContext', 'docs')
const SIZES: Record<string, unknown[] | null> = { null: null, empty: [], one: [doc], several: [doc, main, docsLink] }
const HOSTILE = HOSTILE_IDS.map((id) => [doc, context('LinkContext', id, { [id]: id })])

const groups: Record<string, unknown[]> = {
  list: LIST_COLUMN,
  mixed: MIXED_COLUMN,
  real: REAL_STACKS,
  objectiv: Object.values(OBJECTIV_STACKS),
  sizes: Object.values(SIZES),
  hostile: HOSTILE,
}

const JSON_ROWS: TestTable = {
  columns: { grp: 'STRING', i: 'INT64', v: 'JSON', gc: 'JSON' },
  rows: Object.entries(groups).flatMap(([grp, values]) =>
    values.map((v, i) => ({ grp, i, v, gc: REAL_GLOBAL_CONTEXTS })),
  ),
}

describeEachEngine(
  'location stack operators',
  (ctx) => {
    /** One value per row of a group, in row order. */
    async function column<T>(
      grp: string,
      build: (ls: LocationStack, eb: ExpressionBuilder<Db, 'json_rows'>) => AliasableExpression<T>,
    ): Promise<T[]> {
      const db = ctx.db as import('kysely').Kysely<Db>
      const rows = await db
        .selectFrom('json_rows')
        .select((eb) => build(locationStack(eb.ref('v'), ctx.engine), eb).as('out'))
        .where('grp', '=', grp)
        .orderBy('i')
        .execute()
      return rows.map((r) => r.out as T)
    }

    const [listDoc, listHome, listTop, listItem] = LIST_COLUMN[3] as unknown[]
    const [ab, cd, ef] = LIST_COLUMN[2] as unknown[]

    it('slices like Python, start inclusive and end exclusive, always returning an array', async () => {
      expect(await column('list', (ls) => ls.slice(1))).toEqual([
        [{ c: 'd' }],
        ['b', 'c', 'd'],
        [cd, ef],
        [listHome, listTop, listItem],
        [],
      ])
      expect(await column('list', (ls) => ls.slice(1, -1))).toEqual([[], ['b', 'c'], [cd], [listHome, listTop], []])
      expect(await column('list', (ls) => ls.slice())).toEqual([...LIST_COLUMN.slice(0, 4), []])
      expect(await column('list', (ls) => ls.slice(-2))).toEqual([
        [{ a: 'b' }, { c: 'd' }],
        ['c', 'd'],
        [cd, ef],
        [listTop, listItem],
        [],
      ])
      expect(await column('list', (ls) => ls.slice(-10, 10))).toEqual([...LIST_COLUMN.slice(0, 4), []])
      expect(await column('list', (ls) => ls.slice(3, 1))).toEqual([[], [], [], [], []])
    })

    it('slices from the first match, through the first match, and between matches', async () => {
      expect(await column('list', (ls) => ls.from({ _type: 'SectionContext' }))).toEqual([
        [],
        [],
        [],
        [listHome, listTop, listItem],
        [],
      ])
      expect(await column('list', (ls) => ls.slice(1).until({ id: 'd' }))).toEqual([[], [], [cd], [], []])
      expect(await column('list', (ls) => ls.between({ _type: 'a' }, { id: 'd' }))).toEqual([[], [], [ab, cd], [], []])
      expect(await column('list', (ls) => ls.until({ _type: 'SectionContext' }))).toEqual([
        [],
        [],
        [],
        [listDoc, listHome],
        [],
      ])
      expect(await column('list', (ls) => ls.filter({ _type: 'SectionContext' }))).toEqual([
        [],
        [],
        [],
        [listHome, listTop],
        [],
      ])
    })

    it('counts elements, with 0 for a NULL stack', async () => {
      expect(await column('list', (ls) => ls.length())).toEqual([2, 4, 3, 4, 0])
    })

    it('reads single elements from either end, NULL out of range or on objects', async () => {
      expect(await column('mixed', (ls) => ls.at(0))).toEqual([null, 'a', null, listDoc, null])
      expect(await column('mixed', (ls) => ls.at(-3))).toEqual([null, 'b', null, listHome, null])
      expect(await column('mixed', (ls) => ls.at(-4))).toEqual([null, 'a', null, listDoc, null])
      expect(await column('mixed', (ls) => ls.at(-5))).toEqual([null, null, null, null, null])
      expect(await column('mixed', (_, eb) => ctx.engine.jsonField(eb.ref('v'), 'a'))).toEqual([
        'b',
        null,
        'b',
        null,
        null,
      ])
    })

    it("names Objectiv's test stacks exactly as Objectiv does", async () => {
      expect(await column('real', (ls) => ls.niceName())).toEqual(REAL_NICE_NAMES)
      expect(await column('objectiv', (ls) => ls.niceName())).toEqual(Object.values(OBJECTIV_NICE_NAMES))
    })

    it('keeps only _type and id in the feature stack', async () => {
      const expected = REAL_STACKS.map((stack) => stack.map((c) => ({ _type: c._type, id: c.id })))
      expect(await column('real', (ls) => ls.featureStack())).toEqual(expected)
      expect(await column('real', (ls) => ls.featureStack().niceName())).toEqual(REAL_NICE_NAMES)
    })

    it('finds navigation features from the first NavigationContext', async () => {
      expect(await column('real', (ls) => ls.navigationFeatures())).toEqual([[], [REAL_STACKS[1]?.[1]], [], [], [], []])
    })

    it('reads a field of the first context of a type', async () => {
      expect(await column('objectiv', (ls) => ls.get('SectionContext', 'id'))).toEqual([
        'navbar-top',
        'main',
        'header',
        null,
        'navbar-top',
        'navbar-top',
        'footer',
        'navbar-top',
        'navbar-top',
        'navbar-top',
        'main',
        'navbar-top',
      ])
      expect(await column('objectiv', (ls) => ls.get('WebDocumentContext', 'url'))).toEqual(
        Object.values(OBJECTIV_STACKS).map((s) => s[0]?.url),
      )
    })

    it('finds the conversion link of the Objectiv test data in event 303 only', async () => {
      const match = { id: 'cta-repo-button', _type: 'LinkContext' }
      const ids = Object.keys(OBJECTIV_STACKS).map(Number)
      expect(await column('objectiv', (ls) => ls.contains(match))).toEqual(ids.map((id) => id === 303))
      expect(await column('objectiv', (ls) => ls.from(match).length())).toEqual(ids.map((id) => (id === 303 ? 1 : 0)))
    })

    it('treats NULL, empty, one-element and longer stacks consistently', async () => {
      expect(await column('sizes', (ls) => ls.from({ _type: 'SectionContext' }))).toEqual([
        [],
        [],
        [],
        [main, docsLink],
      ])
      expect(await column('sizes', (ls) => ls.until({ _type: 'SectionContext' }))).toEqual([[], [], [], [doc, main]])
      expect(await column('sizes', (ls) => ls.until({ _type: 'WebDocumentContext' }))).toEqual([[], [], [doc], [doc]])
      expect(await column('sizes', (ls) => ls.at(-1))).toEqual([null, null, doc, docsLink])
      expect(await column('sizes', (ls) => ls.niceName())).toEqual([
        null,
        null,
        'Web Document: #document',
        'Link: docs located at Web Document: #document => Section: main',
      ])
      expect(await column('sizes', (ls) => ls.length())).toEqual([0, 0, 1, 3])
      expect(await column('sizes', (ls) => ls.contains({ id: '#document' }))).toEqual([false, false, true, true])
      expect(await column('sizes', (ls) => ls.featureStack())).toEqual([
        [],
        [],
        [{ _type: 'WebDocumentContext', id: '#document' }],
        [
          { _type: 'WebDocumentContext', id: '#document' },
          { _type: 'SectionContext', id: 'main' },
          { _type: 'LinkContext', id: 'docs' },
        ],
      ])
      expect(await column('sizes', (ls) => ls.navigationFeatures())).toEqual([[], [], [], []])
    })

    it('matches ids with quotes, backslashes, wildcards, placeholders and unicode exactly', async () => {
      for (const [i, id] of HOSTILE_IDS.entries()) {
        const rowOnly = (values: unknown[]) => values.map((v, j) => (j === i ? v : 'other'))
        const link = HOSTILE[i]?.[1]
        const found = await column('hostile', (ls) => ls.from({ id, _type: 'LinkContext' }))
        expect(rowOnly(found)).toEqual(rowOnly(HOSTILE.map(() => [link])))
        expect(
          (await column('hostile', (ls) => ls.contains({ [id]: id }))).map((c, j) => c === (j === i)),
        ).not.toContain(false)
        expect((await column('hostile', (ls) => ls.niceName()))[i]).toBe(
          `Link: ${id} located at Web Document: #document`,
        )
        expect((await column('hostile', (ls) => ls.get('LinkContext', id)))[i]).toBe(id)
      }
    })

    it('matches every given key with an equal JSON value: numbers, booleans and null too', async () => {
      const db = ctx.db
      const stack = [{ n: 1, b: true, z: null, s: '1' }, { n: 1.5, b: false }, { s: 1 }]
      const probe = (match: Record<string, string | number | boolean | null>) =>
        sql<{
          out: unknown[]
        }>`select ${locationStack(ctx.engine.parseJson(sql`${JSON.stringify(stack)}`) as Expression<any>, ctx.engine).filter(match)} as out`
          .execute(db)
          .then((r) => r.rows[0]?.out)
      expect(await probe({ n: 1 })).toEqual([stack[0]])
      expect(await probe({ n: 1.5, b: false })).toEqual([stack[1]])
      expect(await probe({ b: true })).toEqual([stack[0]])
      expect(await probe({ z: null })).toEqual([stack[0]])
      expect(await probe({ s: '1' })).toEqual([stack[0]])
      expect(await probe({ s: 1 })).toEqual([stack[2]])
      expect(await probe({ n: 1, b: false })).toEqual([])
      expect(await probe({ missing: null })).toEqual([])
    })

    it('reads global contexts: the first of a type, and a field of the first', async () => {
      const db = ctx.db as import('kysely').Kysely<Db>
      const rows = await db
        .selectFrom('json_rows')
        .select((eb) => {
          const gc = globalContexts(eb.ref('gc'), ctx.engine)
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

    it('is usable in where, groupBy and orderBy', async () => {
      const db = ctx.db as import('kysely').Kysely<Db>
      const rows = await db
        .selectFrom('json_rows')
        .where('grp', '=', 'objectiv')
        .where((eb) => locationStack(eb.ref('v'), ctx.engine).contains({ _type: 'OverlayContext' }))
        .select((eb) => [
          locationStack(eb.ref('v'), ctx.engine).get('SectionContext', 'id').as('section'),
          eb.fn.countAll<number>().as('n'),
        ])
        // GoogleSQL cannot GROUP BY an expression holding a subquery; its output name works on both.
        .groupBy((eb) =>
          ctx.isPostgres ? locationStack(eb.ref('v'), ctx.engine).get('SectionContext', 'id') : sql.ref('section'),
        )
        .orderBy('section')
        .execute()
      expect(rows).toEqual([{ section: 'navbar-top', n: 5 }])
    })

    it('names types by splitting camel case and dropping a final " Context" only', async () => {
      const stack = [
        { _type: 'MyContextHolderContext', id: 'a' },
        { _type: 'SectionContext' },
        { _type: 'ContextMenuContext', id: 'c' },
      ]
      const { rows } = await sql<{
        out: string
      }>`select ${locationStack(ctx.engine.parseJson(sql`${JSON.stringify(stack)}`) as Expression<any>, ctx.engine).niceName()} as out`.execute(
        ctx.db,
      )
      expect(rows[0]?.out).toBe('Context Menu: c located at My Context Holder: a => Section')
    })
  },
  { json_rows: JSON_ROWS },
)

describeEachEngine('location stack input checks', (ctx) => {
  const ls = () => locationStack(ctx.engine.parseJson(sql`'[]'`) as Expression<any>, ctx.engine)
  it('rejects matches that cannot mean anything, naming the problem', () => {
    expect(() => ls().from({})).toThrow(ModelHubInputError)
    expect(() => ls().from({})).toThrow(/at least one key/)
    expect(() => ls().from({ id: { nested: 1 } } as any)).toThrow(/strings, finite numbers, booleans or null/)
    expect(() => ls().from({ id: Number.NaN })).toThrow(/finite/)
    expect(() => ls().until({ id: 'a\u0000b' })).toThrow(/NUL/)
    expect(() => ls().contains({ id: '\ud800' })).toThrow(/well-formed/)
    expect(() => ls().from(null as any)).toThrow(/expected an object/)
  })
  it('rejects non-integer indexes', () => {
    expect(() => ls().at(1.5)).toThrow(/index: got 1.5; expected an integer/)
    expect(() => ls().slice(0, Number.POSITIVE_INFINITY)).toThrow(/slice end/)
  })
})
