import { randomUUID } from 'node:crypto'
import type { Engine } from '@kysely-modelhub/core'
import { createPgliteDb, createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, inject } from 'vitest'

/** A database the behavioural suite runs on: its engine and a way to open a fresh, empty one. */
export interface TestEngine {
  readonly name: string
  readonly engine: Engine
  open(): Promise<{ db: Kysely<any>; close(): Promise<void> }>
}

const pglite: TestEngine = {
  name: 'pglite',
  engine: postgres,
  async open() {
    const db = await createPgliteDb<any>()
    return { db, close: () => db.destroy() }
  },
}

/** Each test file gets its own database on the server, dropped afterwards. */
const postgresServer = (url: string): TestEngine => ({
  name: 'postgres',
  engine: postgres,
  async open() {
    const admin = createPostgresDb<any>({ connectionString: url, max: 1 })
    const name = `test_${randomUUID().replaceAll('-', '')}`
    await sql`create database ${sql.id(name)}`.execute(admin)
    const target = new URL(url)
    target.pathname = `/${name}`
    const db = createPostgresDb<any>({ connectionString: target.toString() })
    return {
      db,
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

/** The engines this run has (see global-setup.ts). */
export function testEngines(): TestEngine[] {
  const url = inject('postgresUrl')
  return [pglite, ...(url ? [postgresServer(url)] : [])]
}

/**
 * Declares the same tests once per engine, each with its own database:
 * `describeEachEngine('location stack', (ctx) => { it('…', async () => ctx.db …) })`.
 */
export function describeEachEngine(
  title: string,
  body: (ctx: { readonly db: Kysely<any>; readonly engine: Engine; readonly name: string }) => void,
  setup?: (db: Kysely<any>) => Promise<void>,
): void {
  for (const testEngine of testEngines()) {
    describe(`${title} [${testEngine.name}]`, () => {
      let opened: Awaited<ReturnType<TestEngine['open']>> | undefined
      const ctx = {
        get db(): Kysely<any> {
          if (!opened) throw new Error('database not open yet')
          return opened.db
        },
        engine: testEngine.engine,
        name: testEngine.name,
      }
      beforeAll(async () => {
        opened = await testEngine.open()
        await setup?.(opened.db)
      })
      afterAll(async () => {
        await opened?.close()
      })
      body(ctx)
    })
  }
}
