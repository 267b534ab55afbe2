import { randomUUID } from 'node:crypto'
import { bigquery } from '@kysely-modelhub/bigquery'
import type { Engine } from '@kysely-modelhub/core'
import { createPgliteDb, createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, inject, it } from 'vitest'
import { createPostgresTables, type TestTable, type TestTables } from './test-tables.ts'
import { createZetaSqlDb } from './zetasql.ts'

/** A database the behavioural suite runs on: its engine and a way to open a fresh, empty one. */
export interface TestEngine {
  readonly name: string
  readonly engine: Engine
  /** Opens a fresh database holding `tables`; `addTables` adds more to it. */
  open(tables: TestTables): Promise<OpenDatabase>
}

interface OpenDatabase {
  readonly db: Kysely<any>
  addTables(tables: TestTables): Promise<void>
  close(): Promise<void>
}

const pglite: TestEngine = {
  name: 'pglite',
  engine: postgres,
  async open(tables) {
    const db = await createPgliteDb<any>()
    await createPostgresTables(db, tables)
    return { db, addTables: (more) => createPostgresTables(db, more), close: () => db.destroy() }
  },
}

/** Each test file gets its own database on the server, dropped afterwards. */
const postgresServer = (url: string): TestEngine => ({
  name: 'postgres',
  engine: postgres,
  async open(tables) {
    const admin = createPostgresDb<any>({ connectionString: url, max: 1 })
    const name = `test_${randomUUID().replaceAll('-', '')}`
    await sql`create database ${sql.id(name)}`.execute(admin)
    const target = new URL(url)
    target.pathname = `/${name}`
    const db = createPostgresDb<any>({ connectionString: target.toString() })
    await createPostgresTables(db, tables)
    return {
      db,
      addTables: (more) => createPostgresTables(db, more),
      async close() {
        await db.destroy()
        // pg's pool.end() resolves before its clients' backends have exited; a forced drop would kill
        // them, and the pool reports that as an unhandled 'error'. Wait (up to ~5 s) for them to go.
        for (let wait = 0; wait < 250; wait++) {
          const { rows } = await sql<{
            n: number
          }>`select count(*) as n from pg_stat_activity where datname = ${name}`.execute(admin)
          if (rows[0]?.n === 0) break
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        await sql`drop database ${sql.id(name)} with (force)`.execute(admin)
        await admin.destroy()
      },
    }
  },
})

/** BigQuery's SQL executed by ZetaSQL's reference implementation over the tables' contents. */
const zetaSql = (port: number): TestEngine => ({
  name: 'bigquery(zetasql)',
  engine: bigquery,
  async open(tables) {
    // A hub on BigQuery reads `events` unless told otherwise: the suites' `data` answers to both names.
    const contents: Record<string, TestTable> = { ...(tables.data ? { events: tables.data } : {}), ...tables }
    // The database reads `contents` at each query, so tables added later are there too.
    const db = createZetaSqlDb<any>(port, contents)
    return {
      db,
      addTables: async (more) => {
        Object.assign(contents, more)
      },
      close: () => db.destroy(),
    }
  },
})

/** The engines this run has (see global-setup.ts). */
export function testEngines(): TestEngine[] {
  const url = inject('postgresUrl')
  const port = inject('zetasqlPort')
  return [pglite, ...(url ? [postgresServer(url)] : []), ...(port ? [zetaSql(port)] : [])]
}

/** A suite's data: tables every engine can hold, or (Postgres suites only) a function of Postgres DDL. */
export type PostgresSetup = TestTables | ((db: Kysely<any>) => Promise<void>)

export interface SuiteContext {
  readonly db: Kysely<any>
  readonly engine: Engine
  readonly name: string
  /** Whether the engine is a Postgres (PGlite or a server): for the tests only Postgres can run. */
  readonly isPostgres: boolean
  /** Adds tables to the suite's database (generated data inside a test). */
  addTables(tables: TestTables): Promise<void>
}

/**
 * Declares the same tests once per engine, each with its own database holding the suite's tables:
 * `describeEachEngine('location stack', (ctx) => { it('…', async () => ctx.db …) }, { json_rows })`.
 */
export function describeEachEngine(title: string, body: (ctx: SuiteContext) => void, tables: TestTables = {}): void {
  describeOn(testEngines(), title, body, tables)
}

/** Declares tests of what only Postgres has (query plans, writes, COPY) on PGlite and Postgres. */
export function describeEachPostgres(
  title: string,
  body: (ctx: SuiteContext) => void,
  setup: PostgresSetup = {},
): void {
  describeOn(
    testEngines().filter((e) => e.engine === postgres),
    title,
    body,
    setup,
  )
}

/** Declares tests of a Postgres server (connections, roles, restarts) on the server engine alone. */
export function describeOnPostgresServer(
  title: string,
  body: (ctx: SuiteContext) => void,
  setup: PostgresSetup = {},
): void {
  describeOn(
    testEngines().filter((e) => e.name === 'postgres'),
    title,
    body,
    setup,
  )
}

function describeOn(
  engines: TestEngine[],
  title: string,
  body: (ctx: SuiteContext) => void,
  setup: PostgresSetup,
): void {
  const tables = typeof setup === 'function' ? {} : setup
  for (const testEngine of engines) {
    describe(`${title} [${testEngine.name}]`, () => {
      let opened: Awaited<ReturnType<TestEngine['open']>> | undefined
      const ctx: SuiteContext = {
        get db(): Kysely<any> {
          if (!opened) throw new Error('database not open yet')
          return opened.db
        },
        engine: testEngine.engine,
        name: testEngine.name,
        isPostgres: testEngine.engine === postgres,
        addTables(tables) {
          if (!opened) throw new Error('database not open yet')
          return opened.addTables(tables)
        },
      }
      beforeAll(async () => {
        opened = await testEngine.open(tables)
        if (typeof setup === 'function') await setup(opened.db)
      })
      afterAll(async () => {
        await opened?.close()
      })
      body(ctx)
    })
  }
}

/** A test of what only Postgres has (query plans, writes): declared on the Postgres engines alone. */
export function itOnPostgres(ctx: SuiteContext, name: string, test: () => Promise<void>): void {
  if (ctx.isPostgres) it(name, test)
}
