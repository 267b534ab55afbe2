import { ConnectionLostError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { connectionOf, createPgliteDb, createPostgresDb } from '@kysely-modelhub/postgres'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeOnPostgresServer } from '../support/engines.ts'

/**
 * A server that ends a connection (pg_terminate_backend: what a failover, a restart, an idle timeout
 * or a DBA does) fails the query on it with a ConnectionLostError, never the process: an `error`
 * event nobody hears would end the vitest worker, which vitest reports as an unhandled error and
 * a failed run. After each loss the next query on the same Kysely succeeds.
 */

/**
 * Ends (from another connection of `db`) the backends of this database that `which` picks, once
 * there is one. pg_stat_activity keeps only the first 1 kB of a query, so a model query is found by
 * what it waits on (pg_sleep), a short one by its text.
 */
async function terminate(db: Kysely<any>, which: RawBuilder<boolean>): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where pid <> pg_backend_pid() and datname = current_database() and ${which}`.execute(db)
    if (rows.length > 0) {
      for (const { pid } of rows) await sql`select pg_terminate_backend(${pid})`.execute(db)
      return rows.length
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('no backend to terminate')
}
const sleeping = sql<boolean>`wait_event = 'PgSleep'`
const running = (text: string) => sql<boolean>`position(${text}::text in query) > 0`

// What the client saw first: the server's goodbye, or the socket closing under a write or read.
const lostMessage =
  /^the database closed the connection \((terminating connection due to administrator command|Connection terminated unexpectedly|write EPIPE|read ECONNRESET)\): the query did not complete and the connection was discarded, with its temporary tables and session settings; a read is safe to run again on a new connection/

describeOnPostgresServer(
  'a lost connection fails its query, not the process',
  (ctx) => {
    // Terminating a backend needs a server: PGlite's closing is tested below.
    const pool = () => {
      const connection = connectionOf(ctx.db)
      if (!connection || !('pool' in connection)) throw new Error('expected a pg pool')
      return connection.pool
    }
    const usersPerDay = (db: Kysely<any>) => {
      const hub = new ModelHub(db)
      return hub.agg.uniqueUsers(hub.events()).orderBy('time_aggregation')
    }

    it('a model query whose backend is terminated rejects with ConnectionLostError; the next one succeeds', async () => {
      const expected = await usersPerDay(ctx.db).execute()
      const slow = usersPerDay(ctx.db).where(sql<boolean>`pg_sleep(30) is not null`)
      const running = slow.execute().then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(await terminate(ctx.db, sleeping)).toBe(1)
      const error = (await running) as ConnectionLostError
      expect(error).toBeInstanceOf(ConnectionLostError)
      expect(error.retryable).toBe(true)
      expect(error.message).toMatch(lostMessage)
      expect(error.query).toBe(slow.compile().sql)
      expect(error.message).toContain(`— query: ${error.query?.slice(0, 40)}`)
      expect(await usersPerDay(ctx.db).execute()).toEqual(expected)
      // The broken connection was discarded, not put back.
      expect(pool().idleCount).toBe(pool().totalCount)
    })

    it('streams whose backends are terminated at any moment settle: rows or ConnectionLostError', async () => {
      // Found by pnpm soak: a kill landing as a connection opens or a cursor starts left a stream
      // waiting forever, or reached pg as an error nobody heard. A hang fails this test by its timeout.
      const appPool = new pg.Pool({ connectionString: pool().options.connectionString as string, max: 2 })
      appPool.on('error', () => {}) // idle clients are the app's to watch
      const db = createPostgresDb<any>({ pool: appPool })
      try {
        const expected = await usersPerDay(db).execute()
        const outcomes = new Set<string>()
        for (let i = 0; i < 60; i++) {
          const outcome = (async () => {
            const rows: unknown[] = []
            for await (const row of usersPerDay(db).stream(2)) rows.push(row)
            return rows
          })().then(
            (rows) => {
              expect(rows).toEqual(expected)
              return 'rows'
            },
            (error: unknown) => {
              expect(error).toBeInstanceOf(ConnectionLostError)
              return 'lost'
            },
          )
          await new Promise((resolve) => setTimeout(resolve, i % 30))
          await sql`select pg_terminate_backend(pid) from pg_stat_activity
            where pid <> pg_backend_pid() and datname = current_database() and backend_type = 'client backend'`.execute(
            ctx.db,
          )
          outcomes.add(await outcome)
        }
        expect(outcomes).toContain('lost')
        // An idle connection killed a moment ago may still be handed out once: the error says to retry.
        const again = () =>
          usersPerDay(db)
            .execute()
            .catch((error: unknown) => {
              expect(error).toBeInstanceOf(ConnectionLostError)
              return usersPerDay(db).execute()
            })
        expect(await again()).toEqual(expected)
      } finally {
        await db.destroy()
      }
    }, 120_000)

    it('the same with the app’s own pg.Pool, whose own clients carry no listener of ours', async () => {
      const appPool = new pg.Pool({ connectionString: pool().options.connectionString as string, max: 2 })
      const db = createPostgresDb<any>({ pool: appPool })
      try {
        const expected = await usersPerDay(db).execute()
        const running = usersPerDay(db)
          .where(sql<boolean>`pg_sleep(30) is not null`)
          .execute()
          .then(
            () => undefined,
            (error: unknown) => error,
          )
        expect(await terminate(ctx.db, sleeping)).toBe(1)
        expect(await running).toBeInstanceOf(ConnectionLostError)
        expect(await usersPerDay(db).execute()).toEqual(expected)
        // What the app checks out is as pg-pool hands it over: no `error` listener (ours went on release).
        const clients = await Promise.all([appPool.connect(), appPool.connect()])
        expect(clients.map((client) => client.listenerCount('error'))).toEqual([0, 0])
        for (const client of clients) client.release()
      } finally {
        await db.destroy()
      }
    })

    it('a .stream() whose backend is terminated rejects the next read; the next query succeeds', async () => {
      const q = ctx.db.selectFrom(sql<{ g: number }>`generate_series(1, 200000)`.as('g')).select(sql<number>`g`.as('n'))
      let seen = 0
      const error = await (async () => {
        for await (const _row of q.stream(100)) {
          seen++
          if (seen === 1) await terminate(ctx.db, running('generate_series(1, 200000)'))
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ConnectionLostError)
      expect((error as Error).message).toMatch(lostMessage)
      expect(seen).toBeLessThan(200000)
      expect((await q.where(sql<boolean>`g <= 3`).execute()).map((r) => r.n)).toEqual([1, 2, 3])
      expect(pool().idleCount).toBe(pool().totalCount)
    })

    it('inside withConnection: the next query says its temporary tables are gone, not wrong data', async () => {
      const hub = new ModelHub(ctx.db)
      const error = await hub
        .withConnection(async (own) => {
          const table = await own.materialize(own.agg.uniqueUsers(own.events()), {
            kind: 'temp_table',
            name: 'tmp_users_lost',
          })
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(own.db)
          await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(ctx.db)
          return table.execute()
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        )
      expect(error).toBeInstanceOf(ConnectionLostError)
      expect((error as Error).message).toMatch(/the database closed (this|the) connection .*temporary tables/)
      expect(await usersPerDay(ctx.db).execute()).toEqual(await usersPerDay(ctx.db).execute())
      expect(pool().idleCount).toBe(pool().totalCount)
    })

    it('hub.connect(): after a loss the scope’s queries fail clearly and release() still gives back', async () => {
      const { hub, release } = await new ModelHub(ctx.db).connect()
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(hub.db)).rows[0]!.pid
      await sql`select pg_terminate_backend(${pid})`.execute(ctx.db)
      const first = await sql`select 1`.execute(hub.db).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(first).toBeInstanceOf(ConnectionLostError)
      // Once the loss is known, nothing more is sent: the connection-gone error comes at once.
      const second = await sql`select 2`.execute(hub.db).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((second as Error).message).toMatch(/^the database closed the connection \(.*\): the query was not sent/)
      await expect(release()).resolves.toBeUndefined()
      expect((await sql<{ one: number }>`select 1 as one`.execute(ctx.db)).rows).toEqual([{ one: 1 }])
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)

describe('PGlite closed under waiting queries [pglite]', () => {
  it('a query after db.destroy() rejects at once, naming it', async () => {
    const db = await createPgliteDb<any>()
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }])
    await db.destroy()
    await expect(sql`select 1`.execute(db)).rejects.toThrow('driver has already been destroyed')
  })

  it('queries waiting while the PGlite instance closes reject, they do not hang', async () => {
    const db = await createPgliteDb<any>()
    const connection = connectionOf(db)
    if (!connection || !('pglite' in connection)) throw new Error('expected PGlite')
    const waiting = [1, 2, 3].map((n) =>
      sql<{ n: number }>`select ${n}::int as n`.execute(db).then(
        (r) => r.rows,
        (e: unknown) => String(e),
      ),
    )
    await connection.pglite.close()
    const settled = await Promise.all(waiting)
    // Whatever ran before close() got its rows; everything after it got PGlite's closed error.
    expect(settled.filter((s) => typeof s === 'string').length).toBeGreaterThan(0)
    for (const s of settled) {
      if (typeof s === 'string') expect(s).toMatch(/PGlite is clos(ed|ing)/)
    }
    await expect(sql`select 1`.execute(db)).rejects.toThrow('PGlite is closed')
  })
})
