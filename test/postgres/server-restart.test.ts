import { AuthenticationError, ConnectionLostError, DatabaseUnreachableError } from '@kysely-modelhub/core'
import { connectionOf, createPostgresDb } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPostgresBinaries, type PostgresCluster, startPostgresCluster } from '../support/postgres-cluster.ts'

/**
 * A server restart (`pg_ctl restart -m immediate`, like a crash or a failover) on a cluster of this
 * file's own, so no other test file loses its connections: queries running then fail with a
 * ConnectionLostError, idle pooled connections are dropped, and the next query connects anew. The
 * same cluster asks one role for a password, for the wrong-password error.
 */
const binDir = findPostgresBinaries()

describe.runIf(binDir)('a server restart [own postgres cluster]', () => {
  let cluster: PostgresCluster
  let db: Kysely<any>
  const one = async () => (await sql<{ one: number }>`select 1 as one`.execute(db)).rows
  const pool = () => {
    const connection = connectionOf(db)
    if (!connection || !('pool' in connection)) throw new Error('expected a pg pool')
    return connection.pool
  }

  beforeAll(async () => {
    cluster = startPostgresCluster(binDir as string, { hba: ['local all hub_password scram-sha-256'] })
    db = createPostgresDb<any>({ connectionString: cluster.url, max: 3 })
  })

  afterAll(async () => {
    await db?.destroy()
    cluster?.stop()
  })

  it('between queries: the closed idle connections are dropped and the next query connects anew', async () => {
    await Promise.all([one(), one(), one()])
    expect(pool().idleCount).toBe(3)
    await cluster.restart()
    expect(await one()).toEqual([{ one: 1 }])
    expect(pool().idleCount).toBe(pool().totalCount)
  })

  it('during a query: it rejects with ConnectionLostError and the next query succeeds', async () => {
    const running = sql`select pg_sleep(30)`.execute(db).then(
      () => undefined,
      (error: unknown) => error,
    )
    // Restart once the sleep runs, seen from another connection.
    for (let i = 0; i < 1000; i++) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where wait_event = 'PgSleep'`.execute(db)
      if (rows[0]?.n === 1) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await cluster.restart()
    const error = (await running) as ConnectionLostError
    expect(error).toBeInstanceOf(ConnectionLostError)
    expect(error.retryable).toBe(true)
    expect(error.query).toBe('select pg_sleep(30)')
    expect(error.message).toMatch(/^the database closed the connection \(.+\): the query did not complete/)
    expect(await one()).toEqual([{ one: 1 }])
  })

  it('a wrong password: AuthenticationError, not retryable; the right one connects', async () => {
    const url = new URL(cluster.url)
    const as = (password: string) =>
      createPostgresDb<any>({
        pool: new pg.Pool({
          host: url.searchParams.get('host') as string,
          port: Number(url.port),
          database: 'postgres',
          user: 'hub_password',
          password,
        }),
      })
    // Made here, not before the restarts: with synchronous_commit off a crash may forget it.
    await sql`create role hub_password login password 'right'`.execute(db)
    const wrong = as('wrong')
    const right = as('right')
    try {
      const error = (await sql`select 1`.execute(wrong).then(
        () => undefined,
        (e: unknown) => e,
      )) as AuthenticationError
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error.retryable).toBe(false)
      expect(error.message).toBe(
        `the database refused the login (password authentication failed for user "hub_password"): check the user and password in the connection string, and that the server's pg_hba.conf lets this user in from here`,
      )
      expect((error.cause as { code: string }).code).toBe('28P01')
      expect((await sql<{ u: string }>`select current_user as u`.execute(right)).rows).toEqual([{ u: 'hub_password' }])
    } finally {
      await wrong.destroy()
      await right.destroy()
    }
  })

  it('a socket directory with no server: DatabaseUnreachableError, retryable', async () => {
    const url = new URL(cluster.url)
    url.searchParams.set('host', '/nonexistent-modelhub-socket-dir')
    const nowhere = createPostgresDb<any>({ connectionString: url.toString() })
    try {
      const error = (await sql`select 1`.execute(nowhere).then(
        () => undefined,
        (e: unknown) => e,
      )) as DatabaseUnreachableError
      expect(error).toBeInstanceOf(DatabaseUnreachableError)
      expect(error.retryable).toBe(true)
      expect(error.message).toMatch(
        /^cannot reach the database \(connect ENOENT \/nonexistent-modelhub-socket-dir\/\.s\.PGSQL\.\d+\): check the host, port or socket directory/,
      )
    } finally {
      await nowhere.destroy()
    }
  })
})
