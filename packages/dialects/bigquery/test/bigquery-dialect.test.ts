import { BigQuery } from '@google-cloud/bigquery'
import { engineOf, ModelHubInputError } from '@kysely-modelhub/core'
import fc from 'fast-check'
import { Kysely, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import {
  BigQueryConnection,
  BigQueryDialect,
  BigQueryUnsupportedError,
  bigQueryParameters,
  bigquery,
  createBigQueryDb,
  quoteBigQueryString,
  toJsInteger,
  typed,
} from '../src/index.ts'
import { needsSession } from '../src/session-statements.ts'

interface Db {
  events: { event_id: string; event_type: string; moment: Date; n: number | null }
}

const client = new BigQuery({ projectId: 'my-project' })
const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client, dataset: 'analytics' }) })

/** Decodes a GoogleSQL quoted body the way the BigQuery lexer does (the escapes we emit). */
function unquote(literal: string, quote: string): string {
  expect(literal.startsWith(quote) && literal.endsWith(quote)).toBe(true)
  const body = literal.slice(1, -1)
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === quote || c === '\n' || c === '\r') throw new Error(`unescaped ${JSON.stringify(c)} in ${literal}`)
    if (c !== '\\') {
      out += c
      continue
    }
    const next = body[++i] as string
    if (next === 'u') {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16))
      i += 4
    } else out += { n: '\n', r: '\r', t: '\t' }[next] ?? next
  }
  return out
}

const HOSTILE = [
  "it's",
  'say "hi"',
  'back\\slash',
  'tick`tock',
  '\\`',
  "\\'",
  'tab\tnew\nline\r',
  '日本語 🚀',
  '\u0001\u007f',
  '@p0 ? $1 --',
]

describe('BigQuery query compiler', () => {
  it('compiles backtick identifiers, named typed parameters and lowercase keywords', () => {
    const q = db
      .selectFrom('events')
      .select(['event_id', 'event_type'])
      .where('event_type', '=', 'ClickEvent')
      .where('n', '>', 2)
      .orderBy('moment')
      .limit(10)
      .compile()
    expect(q.sql).toBe(
      'select `event_id`, `event_type` from `events` where `event_type` = @p0 and `n` > @p1 order by `moment` limit @p2',
    )
    expect(q.parameters).toEqual(['ClickEvent', 2, 10])
  })

  it('keeps three-part table names as one backtick path', () => {
    expect(db.withSchema('my-project.analytics').selectFrom('events').selectAll().compile().sql).toBe(
      'select * from `my-project.analytics.events`',
    )
    expect(
      db
        .selectFrom('analytics.events' as 'events')
        .selectAll()
        .compile().sql,
    ).toBe('select * from `analytics.events`')
    expect(
      db
        .selectFrom(sql.id('my-project', 'analytics', 'events').as('e') as never)
        .selectAll()
        .compile().sql,
    ).toBe('select * from `my-project`.`analytics`.`events` as `e`')
  })

  it('escapes identifiers with backslashes, never by doubling', () => {
    for (const name of HOSTILE) {
      const compiled = db
        .selectFrom('events')
        .select(sql.ref(name).as('x') as never)
        .compile().sql
      const quoted = /^select (`(?:[^`\\]|\\.)*`) as `x` from `events`$/s.exec(compiled)?.[1]
      expect(quoted, compiled).toBeDefined()
      expect(unquote(quoted as string, '`')).toBe(name)
    }
    expect(
      db
        .selectFrom('events')
        .select(sql.ref('a`b').as('x') as never)
        .compile().sql,
    ).toBe('select `a\\`b` as `x` from `events`')
  })

  it('escapes string literals with backslashes: quotes, backslashes, newlines, controls, unicode', () => {
    expect(quoteBigQueryString("it's")).toBe("'it\\'s'")
    expect(quoteBigQueryString('a\\b')).toBe("'a\\\\b'")
    expect(quoteBigQueryString('line\nnext\r\ttab')).toBe("'line\\nnext\\r\\ttab'")
    expect(quoteBigQueryString('\u0001\u007f')).toBe("'\\u0001\\u007f'")
    expect(quoteBigQueryString('日本語 🚀')).toBe("'日本語 🚀'")
    expect(db.selectFrom('events').select(sql.lit("it's").as('x')).compile().sql).toBe(
      "select 'it\\'s' as `x` from `events`",
    )
    expect(() => quoteBigQueryString('a\u0000b')).toThrow(/NUL/)
    expect(() => quoteBigQueryString('\ud800')).toThrow(/well-formed/)
  })

  it('quotes any text as a literal that decodes back to it and never ends early', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        fc.pre(!value.includes('\u0000') && value.isWellFormed())
        const literal = quoteBigQueryString(value)
        expect(unquote(literal, "'")).toBe(value)
        // No unescaped quote inside: the literal is one token.
        expect(/^'(?:[^'\\\n\r]|\\.)*'$/su.test(literal)).toBe(true)
      }),
      { seed: 20261128, numRuns: 500 },
    )
    for (const value of HOSTILE) expect(unquote(quoteBigQueryString(value), "'")).toBe(value)
  })

  it('rejects what BigQuery lacks: FILTER, RETURNING, ON CONFLICT, OFFSET without LIMIT', () => {
    expect(() =>
      db
        .selectFrom('events')
        .select((eb) => eb.fn.count('event_id').filterWhere('event_type', '=', 'x').as('n'))
        .compile(),
    ).toThrow(BigQueryUnsupportedError)
    expect(() =>
      db
        .selectFrom('events')
        .select((eb) => eb.fn.count('event_id').filterWhere('event_type', '=', 'x').as('n'))
        .compile(),
    ).toThrow(/no FILTER clause on count\(\); use count\(IF\(condition, value, NULL\)\)/)
    expect(() =>
      db
        .insertInto('events')
        .values({ event_id: 'a', event_type: 'b', moment: new Date(0), n: 1 })
        .returningAll()
        .compile(),
    ).toThrow(/no RETURNING/)
    expect(() =>
      db
        .insertInto('events')
        .values({ event_id: 'a', event_type: 'b', moment: new Date(0), n: 1 })
        .onConflict((oc) => oc.doNothing())
        .compile(),
    ).toThrow(/no ON CONFLICT/)
    expect(() => db.selectFrom('events').selectAll().offset(5).compile()).toThrow(/needs LIMIT with OFFSET/)
    expect(db.selectFrom('events').selectAll().limit(1).offset(5).compile().sql).toBe(
      'select * from `events` limit @p0 offset @p1',
    )
  })

  it('rejects at compile time what BigQuery lacks: DISTINCT ON, ILIKE, row locks, UPDATE/DELETE without WHERE, enforced keys', () => {
    const refused = (compile: () => unknown, message: string) =>
      expect(compile).toThrow(new BigQueryUnsupportedError(message))
    refused(
      () => db.selectFrom('events').selectAll().distinctOn('event_id').compile(),
      'BigQuery has no DISTINCT ON; keep one row per key with QUALIFY row_number() over (partition by … order by …) = 1',
    )
    refused(
      () => db.selectFrom('events').selectAll().where('event_type', 'ilike', 'x%').compile(),
      'BigQuery has no ILIKE; compare lower(column) with like and a lower-case pattern',
    )
    refused(
      () => db.selectFrom('events').selectAll().where('event_type', 'not ilike', 'x%').compile(),
      'BigQuery has no NOT ILIKE; compare lower(column) with like and a lower-case pattern',
    )
    refused(
      () => db.selectFrom('events').selectAll().forUpdate().compile(),
      'BigQuery has no row locks (ForUpdate); remove it, BigQuery runs DML with snapshot isolation',
    )
    refused(
      () => db.updateTable('events').set({ n: 1 }).compile(),
      'BigQuery needs a WHERE clause on UPDATE; add .where(sql`true`) to update every row',
    )
    refused(
      () => db.deleteFrom('events').compile(),
      'BigQuery needs a WHERE clause on DELETE; add .where(sql`true`) to delete every row',
    )
    const keys =
      "; leave it out, or declare it with sql`primary key (…) not enforced`. Kysely's Migrator needs enforced keys: run migrations with another tool"
    refused(
      () =>
        db.schema
          .createTable('kysely_migration')
          .addColumn('name', 'varchar(255)', (col) => col.notNull().primaryKey())
          .compile(),
      `BigQuery does not enforce keys or generate ids (primary key on column name)${keys}`,
    )
    refused(
      () => db.schema.createTable('t').addColumn('a', 'text').addUniqueConstraint('u', ['a']).compile(),
      `BigQuery does not enforce keys or generate ids (a unique constraint)${keys}`,
    )
    refused(
      () =>
        db.schema
          .createTable('t')
          .addColumn('a', 'text', (col) => col.references('events.event_id'))
          .compile(),
      `BigQuery does not enforce keys or generate ids (references on column a)${keys}`,
    )
    // What BigQuery has still compiles.
    expect(db.selectFrom('events').select('event_id').distinct().compile().sql).toBe(
      'select distinct `event_id` from `events`',
    )
    expect(db.updateTable('events').set({ n: 1 }).where(sql<boolean>`true`).compile().sql).toBe(
      'update `events` set `n` = @p0 where true',
    )
    expect(
      db.schema
        .createTable('t')
        .addColumn('a', 'text', (col) => col.notNull())
        .compile().sql,
    ).toBe('create table `t` (`a` STRING not null)')
  })

  it("casts to Kysely's (Postgres-named) data types as GoogleSQL types, and names a type BigQuery lacks", () => {
    const cast = (type: string) =>
      db
        .selectFrom('events')
        .select((eb) => eb.cast('n', type as never).as('x'))
        .compile().sql
    expect(cast('text')).toBe('select cast(`n` as STRING) as `x` from `events`')
    expect(cast('varchar(20)')).toBe('select cast(`n` as STRING) as `x` from `events`')
    expect(cast('bigint')).toBe('select cast(`n` as INT64) as `x` from `events`')
    expect(cast('double precision')).toBe('select cast(`n` as FLOAT64) as `x` from `events`')
    expect(cast('numeric(10, 2)')).toBe('select cast(`n` as NUMERIC(10, 2)) as `x` from `events`')
    expect(cast('timestamptz')).toBe('select cast(`n` as TIMESTAMP) as `x` from `events`')
    expect(cast('jsonb')).toBe('select cast(`n` as JSON) as `x` from `events`')
    expect(() => cast('int4range')).toThrow(BigQueryUnsupportedError)
    expect(() => cast('timetz')).toThrow(/BigQuery has no timetz type; use one of STRING, INT64/)
  })

  it('gives every parameter a BigQuery type, NULL included', () => {
    const when = new Date('2021-01-01T00:00:00Z')
    const q = db
      .selectFrom('events')
      .selectAll()
      .where('event_id', '=', 'x')
      .where('n', '=', 3)
      .where('n', '=', 1.5 as never)
      .where('moment', '>', when)
      .where('n', 'is not', null)
      .where('n', '=', typed(null, 'INT64') as never)
      .where('event_id', 'in', ['a', 'b'])
      .where(sql<boolean>`${true}`)
      .compile()
    expect(q.sql).toBe(
      'select * from `events` where `event_id` = @p0 and `n` = @p1 and `n` = @p2 and `moment` > @p3 and `n` is not null and `n` = @p4 and `event_id` in (@p5, @p6) and @p7',
    )
    expect(bigQueryParameters(q.parameters)).toEqual({
      params: { p0: 'x', p1: 3, p2: 1.5, p3: BigQuery.timestamp(when), p4: null, p5: 'a', p6: 'b', p7: true },
      types: {
        p0: 'STRING',
        p1: 'INT64',
        p2: 'FLOAT64',
        p3: 'TIMESTAMP',
        p4: 'INT64',
        p5: 'STRING',
        p6: 'STRING',
        p7: 'BOOL',
      },
    })
    expect(bigQueryParameters([null, [1, 2], 10n, { a: 1 }])).toEqual({
      params: { p0: null, p1: [1, 2], p2: '10', p3: '{"a":1}' },
      types: { p0: 'STRING', p1: ['INT64'], p2: 'INT64', p3: 'JSON' },
    })
  })

  it("builds the client's request: query, named params, types, default dataset, cost guard, labels, job prefix", () => {
    const connection = new BigQueryConnection({
      client,
      dataset: 'analytics',
      location: 'EU',
      maximumBytesBilled: 1e9,
      labels: { app: 'modelhub' },
      jobPrefix: 'modelhub_',
    })
    const compiled = db.selectFrom('events').select('event_id').where('n', '=', 1).compile()
    expect(connection.request(compiled)).toEqual({
      query: 'select `event_id` from `events` where `n` = @p0',
      params: { p0: 1 },
      types: { p0: 'INT64' },
      parseJSON: true,
      wrapIntegers: { integerTypeCastFunction: toJsInteger },
      location: 'EU',
      defaultDataset: { projectId: 'my-project', datasetId: 'analytics' },
      maximumBytesBilled: '1000000000',
      labels: { app: 'modelhub' },
      jobPrefix: 'modelhub_',
    })
  })

  it("takes the default dataset of another project as 'project.dataset', and refuses other dotted names", () => {
    const compiled = db.selectFrom('events').selectAll().compile()
    expect(new BigQueryConnection({ client, dataset: 'other-proj.ds' }).request(compiled).defaultDataset).toEqual({
      projectId: 'other-proj',
      datasetId: 'ds',
    })
    expect(() => new BigQueryConnection({ client, dataset: 'a.b.c' }).request(compiled)).toThrow(
      new ModelHubInputError(`the dataset option: got "a.b.c"; use 'dataset' or 'project.dataset'`),
    )
  })

  it('compiles an untyped NULL as the literal null, which converts to any column type', () => {
    const insert = db
      .insertInto('events')
      .values({ event_id: 'x', n: null } as never)
      .compile()
    expect(insert.sql).toBe('insert into `events` (`event_id`, `n`) values (@p0, null)')
    expect(insert.parameters).toEqual(['x'])
    const typedNull = db
      .updateTable('events')
      .set({ n: typed(null, 'INT64') as never })
      .where('event_id', '=', 'x')
      .compile()
    expect(typedNull.sql).toBe('update `events` set `n` = @p0 where `event_id` = @p1')
    expect(bigQueryParameters(typedNull.parameters).types).toEqual({ p0: 'INT64', p1: 'STRING' })
  })
})

describe('createBigQueryDb', () => {
  it('compiles without credentials or network, and remembers the bigquery engine', () => {
    const bq = createBigQueryDb<Db>({ projectId: 'p', dataset: 'd', location: 'EU', keyFilename: '/nonexistent.json' })
    expect(engineOf(bq)).toBe(bigquery)
    expect(bq.selectFrom('events').select('event_id').compile().sql).toBe('select `event_id` from `events`')
  })

  it('refuses transaction settings BigQuery has no choice of, before any job', async () => {
    const bq = createBigQueryDb<Db>({ projectId: 'p', dataset: 'd' })
    await expect(
      bq
        .transaction()
        .setAccessMode('read only')
        .execute(async () => 1),
    ).rejects.toThrow(BigQueryUnsupportedError)
  })
})

describe('BigQuery sessions', () => {
  it('asks for a session, or runs in one, through the query configuration', () => {
    const compiled = db.selectFrom('events').select('event_id').compile()
    const connection = new BigQueryConnection({ client })
    expect(connection.request(compiled)).not.toHaveProperty('createSession')
    expect(connection.request(compiled)).not.toHaveProperty('connectionProperties')
    expect(connection.request(compiled, { create: true })).toMatchObject({ createSession: true })
    expect(connection.request(compiled, { id: 'CgwKCmZhbGl1' })).toMatchObject({
      connectionProperties: [{ key: 'session_id', value: 'CgwKCmZhbGl1' }],
    })
    expect(connection.sessionId).toBeUndefined()
  })

  it('knows which statements need a session: temporary tables and functions, from the builder or raw SQL', () => {
    const select = db.selectFrom('events').select('event_id')
    expect(needsSession(db.schema.createTable('t').temporary().as(select).compile())).toBe(true)
    expect(needsSession(db.schema.createTable('t').as(select).compile())).toBe(false)
    expect(needsSession(select.compile())).toBe(false)
    for (const text of [
      'create temp table t as select 1',
      '  CREATE TEMPORARY TABLE t (x INT64)',
      'create or replace temp table t as select 1',
      'create temp function f(x INT64) as (x + 1)',
    ]) {
      expect(needsSession(sql.raw(text).compile(db))).toBe(true)
    }
    for (const text of ['create table temp_t as select 1', 'select 1 as create_temp_table', 'drop table t']) {
      expect(needsSession(sql.raw(text).compile(db))).toBe(false)
    }
  })

  it('leaves out ON COMMIT DROP (the session ends with the connection) and refuses the other ON COMMIT actions', () => {
    const select = db.selectFrom('events').select('event_id')
    expect(db.schema.createTable('t').temporary().onCommit('drop').as(select).compile().sql).toBe(
      'create temporary table `t` as select `event_id` from `events`',
    )
    expect(() => db.schema.createTable('t').temporary().onCommit('preserve rows').as(select).compile()).toThrow(
      new BigQueryUnsupportedError(
        "BigQuery has no ON COMMIT PRESERVE ROWS; a temporary table lives until its session ends (the connection's release): leave out onCommit",
      ),
    )
  })
})
