import { randomUUID } from 'node:crypto'
import {
  AuthenticationError,
  DatabaseUnreachableError,
  type ModelHubDatabaseError,
  PermissionDeniedError,
  QueryCancelledError,
  StatementTimeoutError,
  TableNotFoundError,
} from '@kysely-modelhub/core'
import { executeWithSignal, ModelHub } from '@kysely-modelhub/modelhub'
import { connectionOf, createPostgresDb } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeOnPostgresServer } from '../support/engines.ts'

/** What a failed query rejects with on a Postgres server: a class to branch on, a message saying what to do. */
const failure = (run: Promise<unknown>): Promise<ModelHubDatabaseError> =>
  run.then(
    () => {
      throw new Error('expected the query to fail')
    },
    (error: unknown) => error as ModelHubDatabaseError,
  )

describeOnPostgresServer(
  'database errors name what happened',
  (ctx) => {
    const url = () => {
      const connection = connectionOf(ctx.db)
      if (!connection || !('pool' in connection)) throw new Error('expected a pg pool')
      return new URL(connection.pool.options.connectionString as string)
    }

    it('a missing table: TableNotFoundError with the server’s words and the query', async () => {
      const hub = new ModelHub(ctx.db, { table: 'nowhere' })
      const q = hub.agg.uniqueUsers(hub.events())
      const error = await failure(q.execute())
      expect(error).toBeInstanceOf(TableNotFoundError)
      expect(error.retryable).toBe(false)
      expect(error.query).toBe(q.compile().sql)
      expect(error.message).toMatch(
        /^a table the query reads does not exist \(relation "nowhere" does not exist\): check the hub's table option, the schema and the search_path; hub.check\(\) names a missing table or columns up front — query: with /,
      )
      expect((error.cause as { code: string }).code).toBe('42P01')
    })

    it('a role without SELECT on the table: PermissionDeniedError', async () => {
      const role = `no_grants_${randomUUID().replaceAll('-', '').slice(0, 12)}`
      await sql`create role ${sql.id(role)} login`.execute(ctx.db)
      const target = url()
      target.username = role
      const db = createPostgresDb<any>({ connectionString: target.toString(), max: 1 })
      try {
        const error = await failure(sql`select count(*) from data`.execute(db))
        expect(error).toBeInstanceOf(PermissionDeniedError)
        expect(error.message).toBe(
          `the database user may not do this (permission denied for table data): grant the privileges the README's "Security, privileges and failure" section lists for it — query: select count(*) from data`,
        )
      } finally {
        await db.destroy()
        await sql`drop role ${sql.id(role)}`.execute(ctx.db)
      }
    })

    it('a role that may not log in, or does not exist: AuthenticationError', async () => {
      const role = `no_login_${randomUUID().replaceAll('-', '').slice(0, 12)}`
      await sql`create role ${sql.id(role)} nologin`.execute(ctx.db)
      try {
        const messages: string[] = []
        for (const user of [role, 'nobody_at_all']) {
          const target = url()
          target.username = user
          const db = createPostgresDb<any>({ connectionString: target.toString(), max: 1 })
          const error = await failure(sql`select 1`.execute(db))
          await db.destroy()
          expect(error).toBeInstanceOf(AuthenticationError)
          expect((error.cause as { code: string }).code).toBe('28000')
          messages.push(error.message)
        }
        expect(messages).toEqual([
          `the database refused the login (role "${role}" is not permitted to log in): check the user and password in the connection string, and that the server's pg_hba.conf lets this user in from here`,
          `the database refused the login (role "nobody_at_all" does not exist): check the user and password in the connection string, and that the server's pg_hba.conf lets this user in from here`,
        ])
      } finally {
        await sql`drop role ${sql.id(role)}`.execute(ctx.db)
      }
    })

    it('a closed TCP port: DatabaseUnreachableError, retryable', async () => {
      const db = createPostgresDb<any>({ connectionString: 'postgresql://postgres@127.0.0.1:1/postgres' })
      try {
        const error = await failure(sql`select 1`.execute(db))
        expect(error).toBeInstanceOf(DatabaseUnreachableError)
        expect(error.retryable).toBe(true)
        expect(error.message).toBe(
          'cannot reach the database (connect ECONNREFUSED 127.0.0.1:1): check the host, port or socket directory in the connection string and that the server is running and accepting connections; retry once it is up',
        )
      } finally {
        await db.destroy()
      }
    })

    it('the server’s statement_timeout: StatementTimeoutError, not a QueryCancelledError', async () => {
      const error = await failure(
        ctx.db.transaction().execute(async (trx) => {
          await sql`set local statement_timeout = 100`.execute(trx)
          await sql`select pg_sleep(30)`.execute(trx)
        }),
      )
      expect(error).toBeInstanceOf(StatementTimeoutError)
      expect(error.message).toBe(
        'the database stopped the query at its statement_timeout (canceling statement due to statement timeout): raise statement_timeout for this role or session, or make the query cheaper (a shorter date range, materialized events) — query: select pg_sleep(30)',
      )
    })

    it('a timeout while every connection is busy says the query never started', async () => {
      const small: Kysely<any> = createPostgresDb<any>({ connectionString: url().toString(), max: 1 })
      try {
        const busy = sql`select pg_sleep(1)`.execute(small)
        const error = (await failure(executeWithSignal(small, sql`select 1`, { timeoutMs: 50 }))) as QueryCancelledError
        expect(error).toBeInstanceOf(QueryCancelledError)
        expect(error.reachedDatabase).toBe(false)
        expect(error.message).toBe(
          'query never started on the database: it ran longer than timeoutMs 50 while waiting for a connection (every connection busy, or the database slow to answer or unreachable)',
        )
        await busy
        // The connection that came free after the timeout went back unused: the pool serves the next query.
        expect(await executeWithSignal(small, sql<{ one: number }>`select 1 as one`, { timeoutMs: 30_000 })).toEqual([
          { one: 1 },
        ])
        const cancelled = (await failure(
          executeWithSignal(small, sql`select pg_sleep(30)`, { timeoutMs: 100 }),
        )) as QueryCancelledError
        expect(cancelled.reachedDatabase).toBe(true)
        expect(cancelled.message).toBe('query cancelled on the database: it ran longer than timeoutMs 100')
      } finally {
        await small.destroy()
      }
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
