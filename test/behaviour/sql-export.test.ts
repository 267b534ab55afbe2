import { resolve } from 'node:path'
import { bigquery as bigqueryEngine } from '@kysely-modelhub/bigquery'
import { type Engine, ModelHubInputError } from '@kysely-modelhub/core'
import { displaySqlAsMarkdown, ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import fc from 'fast-check'
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { expect, it } from 'vitest'
import { formatterLanguage } from '../../packages/modelhub/src/run/sql-export.ts'
import { HOSTILE_IDS } from '../fixtures/location-stacks.ts'
import { dataTable, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'
import type { TestTable } from '../support/test-tables.ts'
import { evalWithoutImports } from '../support/without-imports.ts'

/** Strings that break naive quoting or placeholder rewriting. */
const HOSTILE = [
  ...HOSTILE_IDS,
  "''",
  "\\'",
  "'\\",
  '\\',
  '$2 $10 $1$',
  '$tag$ x $tag$',
  '-- not a comment',
  '/* not a comment */',
  ':name @p ?',
  "E'",
  '"quoted"',
  'héllo wörld ünïcödé 🎉👍🏽',
  '\r\n',
  '```',
]

/** Rows holding every hostile string, so a where clause on them selects something. */
const LABELS: TestTable = {
  columns: { id: 'INT64', label: 'STRING' },
  rows: HOSTILE.map((label, id) => ({ id, label })),
}

const runRaw = async (db: Kysely<any>, text: string, parameters: readonly unknown[] = []) =>
  (await db.executeQuery(CompiledQuery.raw(text, [...parameters]))).rows

describeEachEngine(
  'hub.toSql and displaySqlAsMarkdown',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, timeAggregation: '%Y-%m-%d' })
    // How this engine's SQL writes a first placeholder, a name and a string.
    const placeholder = ctx.isPostgres ? '$1' : '@p0'
    const id = (name: string) => (ctx.isPostgres ? `"${name}"` : `\`${name}\``)
    const literal = (text: string) => ctx.engine.quoteString(text)

    it('inlines hostile strings so the SQL, run as is, returns exactly the rows of the query', async () => {
      const h = hub()
      const wanted = HOSTILE.filter((_, i) => i % 2 === 0)
      const q = h.db
        .selectFrom('labels')
        .select(['id', 'label'])
        .where((eb) =>
          eb.or([
            eb('label', 'in', wanted),
            eb('label', '=', '$1'),
            eb('label', '=', "it's"),
            eb('label', 'like', '%\\\\%'),
          ]),
        )
        .where('label', '!=', "'; drop table labels; --")
        .orderBy('id')
      const expected = await q.execute()
      expect(expected.length).toBeGreaterThan(10)
      expect(expected.map((r) => r.label)).toContain('back\\slash')
      expect(expected.map((r) => r.label)).not.toContain("'; drop table labels; --")
      for (const pretty of [true, false]) {
        const text = h.toSql(q, { pretty, inlineParameters: true })
        expect(await runRaw(ctx.db, text)).toEqual(expected)
      }
      expect((await runRaw(ctx.db, 'select count(*) as n from labels'))[0]).toEqual({ n: HOSTILE.length })
    })

    it('inlines numbers (negative too), booleans, null and Dates with the meaning of the parameters', async () => {
      const h = hub()
      const filtered = h.map
        .isNewUser(h.events({ startDate: '2021-11-29', endDate: '2021-12-02' }))
        .where('is_new_user', '=', true)
        .where('session_id', '>', -1)
        .where((eb) =>
          eb(eb.cast('session_hit_number', 'float8'), '>=', 0.5).and(eb(eb.val(-2), '<', eb.ref('session_id'))),
        )
        .where('moment', '>=', new Date('2021-11-30T10:23:36.267Z'))
        .where('user_id', 'is not', null)
        .where('user_id', '!=', userId(9))
      const q = h.db.selectFrom(filtered.as('e')).select(['e.event_id', 'e.moment']).orderBy('e.event_id')
      const expected = await q.execute()
      expect(expected.map((r) => r.event_id.slice(-3))).toEqual(['304', '307', '308', '309'])
      const text = h.toSql(q, { inlineParameters: true })
      expect(text).toContain(literal('2021-11-30T10:23:36.267Z'))
      expect(text).toContain('(-1)')
      expect(text).toContain('(-2)')
      expect(text).toContain('0.5')
      const rows = await runRaw(ctx.db, text)
      expect(rows.map((r: any) => r.event_id)).toEqual(expected.map((r) => r.event_id))
      expect(rows).toEqual(expected)
    })

    it('round-trips any storable text through an inlined literal', async () => {
      const h = hub()
      const text = fc
        .oneof(
          fc.constantFrom(...HOSTILE),
          fc.string({ unit: 'grapheme', maxLength: 16 }),
          fc.string({ unit: 'binary', maxLength: 8 }),
        )
        .filter((s) => !s.includes('\u0000') && s.isWellFormed())
      await fc.assert(
        fc.asyncProperty(text, async (value) => {
          const q = h.db.selectNoFrom((eb) => [eb.cast<string>(eb.val(value), 'text').as('v'), eb.val(value).as('w')])
          const inlined = h.toSql(q, { inlineParameters: true, pretty: false })
          expect(await runRaw(ctx.db, inlined)).toEqual([{ v: value, w: value }])
        }),
        { numRuns: 100, seed: 20261201 },
      )
    })

    it('pretty-prints on several lines, and the pretty SQL runs with or without its parameters', async () => {
      const h = hub()
      const newUsers = h.map.isNewUser(h.events({ startDate: '2021-11-16' })).where('is_new_user', '=', true)
      const share = h.divide(h.agg.uniqueUsers(newUsers), h.agg.uniqueUsers(h.events({ startDate: '2021-11-16' })))
      const q = share.orderBy('time_aggregation')
      const expected = await q.execute()
      expect(expected.map((r) => r.unique_users)).toEqual([1, 0.5, null, 1, 1])

      const plain = h.toSql(q, { pretty: false })
      expect(plain).toBe(q.compile().sql)
      expect(plain).not.toContain('\n')

      const pretty = h.toSql(q)
      expect(pretty.split('\n').length).toBeGreaterThan(40)
      // Stages as named CTEs in data-flow order (docs/performance.md "The SQL a model exports").
      expect(pretty).toMatch(/^with\n/)
      expect(pretty).toContain('inner join')
      expect(pretty).toContain(placeholder)
      expect(await runRaw(ctx.db, pretty, q.compile().parameters)).toEqual(expected)

      const inlined = h.toSql(q, { inlineParameters: true })
      expect(inlined).not.toMatch(/\$\d|@p\d/)
      expect(inlined).toContain(literal('2021-11-16'))
      expect(await runRaw(ctx.db, inlined)).toEqual(expected)
    })

    it('refuses parameters that have no literal, naming them', () => {
      const h = hub()
      const withArray = h.db.selectNoFrom((eb) => eb.val(['a', 'b']).as('v'))
      expect(() => h.toSql(withArray, { inlineParameters: true })).toThrow(ModelHubInputError)
      expect(() => h.toSql(withArray, { inlineParameters: true })).toThrow(
        'inlined SQL parameter: got ["a","b"]; only strings, numbers, bigints, booleans, null and Dates can be inlined',
      )
      expect(() =>
        h.toSql(
          h.db.selectNoFrom((eb) => eb.val(Number.NaN).as('v')),
          { inlineParameters: true },
        ),
      ).toThrow('inlined SQL parameter: got NaN; only finite numbers have an SQL literal')
      expect(() =>
        h.toSql(
          h.db.selectNoFrom((eb) => eb.val('nul \u0000').as('v')),
          { inlineParameters: true },
        ),
      ).toThrow(/NUL/)
      // Without inlining the same queries export fine: the values stay parameters.
      expect(h.toSql(withArray, { pretty: false })).toBe(`select ${placeholder} as ${id('v')}`)
      expect(() => h.toSql(withArray, { pretty: 'yes' as never })).toThrow(
        'toSql option "pretty": got "yes"; expected true or false',
      )
    })

    it('displays SQL as a fenced markdown block', () => {
      const h = hub()
      const q = h.agg.uniqueUsers(h.events({ startDate: '2021-11-16' }))
      const markdown = displaySqlAsMarkdown(q, h)
      expect(markdown).toBe(`\`\`\`sql\n${h.toSql(q, { inlineParameters: true })}\n\`\`\``)
      expect(markdown).toContain(literal('2021-11-16'))
      // Without a hub the engine is unknown: placeholders stay, and the SQL is shown even if unformatted.
      const bare = displaySqlAsMarkdown(q)
      expect(bare.startsWith('```sql\n')).toBe(true)
      expect(bare.endsWith('\n```')).toBe(true)
      expect(bare).toContain(placeholder)
      // A literal holding backticks cannot close the block.
      const ticks = displaySqlAsMarkdown(
        h.db.selectNoFrom((eb) => eb.val('```` in a string').as('v')),
        h,
      )
      // BigQuery's literal escapes each backtick, so there no run of them needs a longer fence.
      const fence = ctx.isPostgres ? '`````' : '```'
      expect(ticks).toBe(`${fence}sql\nselect\n  ${literal('```` in a string')} as ${id('v')}\n${fence}`)
    })
  },
  { data: dataTable(OBJECTIV_DATA), labels: LABELS },
)

it('formats with the dialect of the engine', () => {
  expect(formatterLanguage(postgres)).toBe('postgresql')
  expect(formatterLanguage(bigqueryEngine)).toBe('bigquery')
  expect(formatterLanguage({ ...postgres, sqlFormatterLanguage: 'somethingelse' })).toBe('sql')
  expect(formatterLanguage({ ...postgres, sqlFormatterLanguage: 'toString' })).toBe('sql')
  // BigQuery SQL (backquoted names, @named parameters), which the postgresql formatter cannot read.
  const text = 'select `e`.x from `project.data-set.events` as `e` where `e`.y = @p0'
  const query = { compile: () => CompiledQuery.raw(text), withPlugin: () => query }
  const db = createPostgresDb<any>({ connectionString: 'postgresql://localhost/never-connected' })
  const bigquery: Engine = { ...postgres, name: 'bigquery', sqlFormatterLanguage: 'bigquery' }
  // A Kysely of no engine of ours, so the engine option decides (on db it would contradict postgres).
  const plain = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) })
  expect(new ModelHub(plain, { engine: bigquery }).toSql(query)).toBe(
    'select\n  `e`.x\nfrom\n  `project.data-set.events` as `e`\nwhere\n  `e`.y = @p0',
  )
  expect(() => new ModelHub(db, { engine: postgres }).toSql(query)).toThrow(
    /^toSql: sql-formatter \(postgresql\) could not format the query: .*; pass pretty: false for the SQL as compiled$/s,
  )
  expect(new ModelHub(db, { engine: postgres }).toSql(query, { pretty: false })).toBe(text)
})

it('loads sql-formatter on the first formatted export, and neither it nor ml-matrix with the hub', async () => {
  // Importing the hub and exporting unformatted SQL must import neither; the formatted export loads sql-formatter.
  const app = `
    import { ModelHub } from '@kysely-modelhub/modelhub'
    import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
    const db = createPostgresDb({ connectionString: 'postgresql://localhost/never-connected' })
    const hub = new ModelHub(db, { engine: postgres })
    const query = db.selectNoFrom((eb) => eb.val(1).as('one'))
    console.log(JSON.stringify([hub.toSql(query, { pretty: false }), hub.toSql(query)]))`
  const { stdout, stderr } = await evalWithoutImports(
    ['sql-formatter', 'ml-matrix'],
    app,
    resolve(import.meta.dirname, '../../packages/modelhub'),
  )
  expect(stderr).toBe('')
  expect(JSON.parse(stdout)).toEqual(['select $1 as "one"', 'select\n  $1 as "one"'])
})
