import { ModelHubInputError } from '@kysely-modelhub/core'
import { ConnectionReleasedError, ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { type Kysely, type KyselyPlugin, sql } from 'kysely'
import { expect, it } from 'vitest'
import { createDataTable, dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine, describeEachPostgres } from '../support/engines.ts'

const USERS_PER_DAY = [
  { time_aggregation: '2021-11-29', unique_users: 1 },
  { time_aggregation: '2021-11-30', unique_users: 2 },
  { time_aggregation: '2021-12-01', unique_users: 1 },
  { time_aggregation: '2021-12-02', unique_users: 1 },
  { time_aggregation: '2021-12-03', unique_users: 1 },
]

/** How many relations of this name exist in the database, temporary ones of every session included. */
async function relationsNamed(db: Kysely<any>, name: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from pg_class where relname = ${name}`.execute(db)
  return rows[0]!.n
}

/** Resolves once `n` callers have arrived: proves that callers overlap in time. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    arrived += 1
    if (arrived === n) open()
    return opened
  }
}

it('cte: one WITH query, built without a database round trip', async () => {
  const db = createPostgresDb<any>({ connectionString: 'postgresql://localhost:1/never-connected' })
  const hub = new ModelHub(db, { engine: postgres })
  const users = hub.agg.uniqueUsers(hub.events(), { groupBy: null })
  const named = await hub.materialize(users, { kind: 'cte', name: 'all_users' })
  expect(named.compile().sql).toBe(
    `with "all_users" as (${users.compile().sql}) select "unique_users" from "all_users"`,
  )
  const generated = (await hub.materialize(users, { kind: 'cte' })).compile().sql
  expect(generated).toMatch(
    /^with "(modelhub_[0-9a-f]{20})" as \(.*\) select "unique_users" from "\1" as "materialized"$/,
  )
  await db.destroy()
})

describeEachPostgres(
  'hub.materialize',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, timeAggregation: '%Y-%m-%d' })
    const usersPerDay = (h: ReturnType<typeof hub>) => h.agg.uniqueUsers(h.events({ startDate: '2021-11-16' }))

    it('cte: the same rows, and a query to build on', async () => {
      const h = hub()
      const daily = await h.materialize(usersPerDay(h), { kind: 'cte', name: 'daily' })
      expect(await daily.orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
      expect(await daily.where('unique_users', '>', 1).execute()).toEqual([USERS_PER_DAY[1]])
      const events = await h.materialize(h.events(), { kind: 'cte' })
      expect(await h.agg.uniqueUsers(events).orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
    })

    it('table and view: created under quoted names, read back with the same rows by any connection', async () => {
      const h = hub()
      const table = await h.materialize(usersPerDay(h), { kind: 'table', name: 'daily_users_table' })
      expect(await table.orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
      expect(table.compile().sql).toBe('select "time_aggregation", "unique_users" from "daily_users_table"')
      expect(await ctx.db.selectFrom('daily_users_table').selectAll().orderBy('time_aggregation').execute()).toEqual(
        USERS_PER_DAY,
      )

      // A view cannot hold parameters: the start date is inlined as a literal.
      const view = await h.materialize(usersPerDay(h), { kind: 'view', name: 'public.daily_users_view' })
      expect(await view.orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
      const { rows } = await sql<{
        definition: string
      }>`select definition from pg_views where schemaname = 'public' and viewname = 'daily_users_view'`.execute(ctx.db)
      expect(rows[0]!.definition).toContain("'2021-11-16'::date")

      // No name: a fresh one per call, read under the alias "materialized".
      const first = await h.materialize(usersPerDay(h), { kind: 'table' })
      const second = await h.materialize(usersPerDay(h), { kind: 'view' })
      const nameOf = (q: { compile(): { sql: string } }) =>
        /from "(modelhub_[0-9a-f]{20})" as "materialized"$/.exec(q.compile().sql)?.[1]
      expect(nameOf(first)).toBeDefined()
      expect(nameOf(second)).toBeDefined()
      expect(nameOf(first)).not.toBe(nameOf(second))
      expect(await relationsNamed(ctx.db, nameOf(first)!)).toBe(1)
      expect(await first.where('materialized.unique_users', '=', 2).execute()).toEqual([USERS_PER_DAY[1]])
      expect(await second.orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
    })

    it('refuses names that are not plain identifiers, and unknown kinds, before touching the database', async () => {
      const h = hub()
      const q = usersPerDay(h)
      for (const name of ['x; drop table data; --', 'a b', '1abc', 'a.b.c', '', 'x"y', 'daily as d', 'é']) {
        await expect(h.materialize(q, { kind: 'table', name })).rejects.toThrow(ModelHubInputError)
      }
      await expect(h.materialize(q, { kind: 'table', name: 'x; drop table data; --' })).rejects.toThrow(
        'materialize name: got "x; drop table data; --"; expected letters, digits and _ not starting with a digit, optionally as schema.name',
      )
      await expect(h.materialize(q, { kind: 'cte', name: 'public.daily' })).rejects.toThrow(
        'expected letters, digits and _ not starting with a digit (no schema: a temporary table or CTE has none)',
      )
      await expect(h.materialize(q, { kind: 'materialised' as never })).rejects.toThrow(
        'materialize kind: got "materialised"; expected one of cte, temp_table, table, view',
      )
      expect(
        await ctx.db
          .selectFrom('data')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .execute(),
      ).toEqual([{ n: 12 }])
    })

    it('temp_table: refused on a hub whose queries may run on different connections', async () => {
      const h = hub()
      await expect(h.materialize(usersPerDay(h), { kind: 'temp_table' })).rejects.toThrow(
        /^materialize kind: got "temp_table"; a temporary table lives on one database connection, .*hub\.withConnection/,
      )
    })

    it('temp_table in withConnection: every query of the scope sees it, and it is dropped at the end', async () => {
      const [daily, share, fromEvents] = await hub().withConnection(async (h) => {
        const table = await h.materialize(usersPerDay(h), { kind: 'temp_table', name: 'tmp_daily' })
        const events = await h.materialize(h.events(), { kind: 'temp_table' })
        expect(await relationsNamed(h.db, 'tmp_daily')).toBe(1)
        const newUsers = h.map.isNewUser(events).where('is_new_user', '=', true)
        return [
          await table.orderBy('time_aggregation').execute(),
          await h.divide(h.agg.uniqueUsers(newUsers), table).orderBy('time_aggregation').execute(),
          await h.agg.uniqueUsers(events).orderBy('time_aggregation').execute(),
          await Promise.all([1, 2, 3, 4, 5].map((n) => table.where('unique_users', '>=', n).execute())),
        ]
      })
      expect(daily).toEqual(USERS_PER_DAY)
      expect(share.map((r) => r.unique_users)).toEqual([1, 0.5, null, 1, 1])
      expect(fromEvents).toEqual(USERS_PER_DAY)
      expect(await relationsNamed(ctx.db, 'tmp_daily')).toBe(0)
      await expect(ctx.db.selectFrom('tmp_daily').selectAll().execute()).rejects.toThrow(
        'relation "tmp_daily" does not exist',
      )
    })

    it('refuses to run a scope builder after the scope ended', async () => {
      const table = await hub().withConnection((h) => h.materialize(usersPerDay(h), { kind: 'temp_table' }))
      expect(() => table.compile()).toThrow(ConnectionReleasedError)
      await expect(table.execute()).rejects.toThrow(
        /^this query belongs to a hub.withConnection \/ hub.connect scope that has ended/,
      )
    })

    it('gives each caller its own temporary tables, also under the same name', async () => {
      const h = hub()
      const caller = (days: [string, string]) =>
        h.withConnection(async (own) => {
          const q = own.agg.uniqueUsers(own.events({ startDate: days[0], endDate: days[1] }))
          const table = await own.materialize(q, { kind: 'temp_table', name: 'tmp_caller' })
          const reads = await Promise.all([
            table.orderBy('time_aggregation').execute(),
            own.db
              .selectFrom('tmp_caller')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .execute(),
            own.agg.uniqueUsers(own.events(), { groupBy: null }).execute(),
            table.orderBy('time_aggregation').execute(),
          ])
          return reads
        })
      const [early, late] = await Promise.all([
        caller(['2021-11-29', '2021-11-30']),
        caller(['2021-12-01', '2021-12-03']),
      ])
      expect(early[0]).toEqual(USERS_PER_DAY.slice(0, 2))
      expect(early[1]).toEqual([{ n: 2 }])
      expect(late[1]).toEqual([{ n: 3 }])
      expect(early[2]).toEqual([{ unique_users: 4 }])
      expect(early[3]).toEqual(USERS_PER_DAY.slice(0, 2))
      expect(late[0]).toEqual(USERS_PER_DAY.slice(2))
      expect(late[3]).toEqual(USERS_PER_DAY.slice(2))
      expect(await relationsNamed(ctx.db, 'tmp_caller')).toBe(0)
    })

    it('connect(): a handle that keeps hub and connection together until release()', async () => {
      const connection = await hub().connect()
      const table = await connection.hub.materialize(usersPerDay(connection.hub), {
        kind: 'temp_table',
        name: 'tmp_handle',
      })
      expect(await table.orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
      expect(await table.where('time_aggregation', '=', '2021-12-01').execute()).toEqual([USERS_PER_DAY[2]])
      await connection.release()
      await connection.release()
      await expect(table.execute()).rejects.toThrow(ConnectionReleasedError)
      expect(await relationsNamed(ctx.db, 'tmp_handle')).toBe(0)
    })

    it('releases the connection and drops its tables when the callback throws', async () => {
      await expect(
        hub().withConnection(async (h) => {
          await h.materialize(usersPerDay(h), { kind: 'temp_table', name: 'tmp_failing' })
          throw new Error('the analysis failed')
        }),
      ).rejects.toThrow('the analysis failed')
      expect(await relationsNamed(ctx.db, 'tmp_failing')).toBe(0)
      expect(await usersPerDay(hub()).orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
    })

    it('reuses the connection in a nested scope; the outer scope drops the tables', async () => {
      await hub().withConnection(async (outer) => {
        const table = await outer.withConnection(async (inner) => {
          expect(inner).toBe(outer)
          return inner.materialize(usersPerDay(inner), { kind: 'temp_table', name: 'tmp_nested' })
        })
        expect(await table.orderBy('time_aggregation').execute()).toEqual(USERS_PER_DAY)
      })
      expect(await relationsNamed(ctx.db, 'tmp_nested')).toBe(0)
    })

    it('temp_table on a hub over a transaction lives until commit', async () => {
      const rows = await ctx.db.transaction().execute(async (trx) => {
        const h = new ModelHub(trx, { engine: ctx.engine, timeAggregation: '%Y-%m-%d' })
        const table = await h.materialize(usersPerDay(h), { kind: 'temp_table', name: 'tmp_transaction' })
        expect(await relationsNamed(trx, 'tmp_transaction')).toBe(1)
        return table.orderBy('time_aggregation').execute()
      })
      expect(rows).toEqual(USERS_PER_DAY)
      expect(await relationsNamed(ctx.db, 'tmp_transaction')).toBe(0)
    })

    if (ctx.name === 'postgres') {
      it('holds one connection of a pool while other connections run concurrent queries', async () => {
        const h = hub()
        const bothMaterialized = barrier(2)
        const caller = (days: [string, string]) =>
          h.withConnection(async (own) => {
            const q = own.agg.uniqueUsers(own.events({ startDate: days[0], endDate: days[1] }))
            const table = await own.materialize(q, { kind: 'temp_table', name: 'tmp_pooled' })
            await bothMaterialized()
            // Both tables exist now, in two sessions; the rest of the pool sees neither.
            expect(await relationsNamed(own.db, 'tmp_pooled')).toBe(2)
            const outside = await Promise.allSettled(
              [1, 2, 3, 4].map(() => ctx.db.selectFrom('tmp_pooled').selectAll().execute()),
            )
            // A TableNotFoundError, whose cause is the server's error.
            expect(outside.map((r) => r.status === 'rejected' && String(r.reason.cause))).toEqual(
              outside.map(() => 'error: relation "tmp_pooled" does not exist'),
            )
            const pid = sql<{ pid: number }>`select pg_backend_pid() as pid`
            const reads = await Promise.all(
              [1, 2, 3, 4, 5, 6].map(async () => ({
                rows: await table.orderBy('time_aggregation').execute(),
                pid: (await pid.execute(own.db)).rows[0]!.pid,
              })),
            )
            return reads
          })
        const [early, late] = await Promise.all([
          caller(['2021-11-29', '2021-11-30']),
          caller(['2021-12-01', '2021-12-03']),
        ])
        for (const read of early) expect(read.rows).toEqual(USERS_PER_DAY.slice(0, 2))
        for (const read of late) expect(read.rows).toEqual(USERS_PER_DAY.slice(2))
        expect(new Set(early.map((r) => r.pid)).size).toBe(1)
        expect(new Set(late.map((r) => r.pid)).size).toBe(1)
        expect(early[0]!.pid).not.toBe(late[0]!.pid)
        expect(await relationsNamed(ctx.db, 'tmp_pooled')).toBe(0)
      })
    }
  },
  (db) => createDataTable(db, OBJECTIV_DATA),
)

// On BigQuery a temporary table lives in the connection's session (started by its first temporary
// table or transaction, ended at release); the ZetaSQL test database keeps one per connection too.
describeEachEngine(
  'hub.materialize temp_table',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, timeAggregation: '%Y-%m-%d' })
    const usersPerDay = (h: ReturnType<typeof hub>) => h.agg.uniqueUsers(h.events({ startDate: '2021-11-16' }))

    it('withConnection: later queries of the scope read its temporary tables, which end with the scope', async () => {
      const [daily, fromEvents, share] = await hub().withConnection(async (h) => {
        const table = await h.materialize(usersPerDay(h), { kind: 'temp_table', name: 'tmp_every_engine' })
        const events = await h.materialize(h.events(), { kind: 'temp_table' })
        const newUsers = h.map.isNewUser(events).where('is_new_user', '=', true)
        return [
          await table.orderBy('time_aggregation').execute(),
          await h.agg.uniqueUsers(events).orderBy('time_aggregation').execute(),
          await h.divide(h.agg.uniqueUsers(newUsers), table).orderBy('time_aggregation').execute(),
        ]
      })
      expect(daily).toEqual(USERS_PER_DAY)
      expect(fromEvents).toEqual(USERS_PER_DAY)
      expect(share.map((r) => r.unique_users)).toEqual([1, 0.5, null, 1, 1])
      await expect(ctx.db.selectFrom('tmp_every_engine').selectAll().execute()).rejects.toThrow(/tmp_every_engine/)
    })

    it('drops its temporary tables itself only where releasing the connection would not (a BigQuery session ends them)', async () => {
      const drops: string[] = []
      const recorder: KyselyPlugin = {
        transformQuery: ({ node }) => {
          if (node.kind === 'DropTableNode') drops.push(node.table.table.identifier.name)
          return node
        },
        transformResult: async ({ result }) => result,
      }
      const h = new ModelHub(ctx.db.withPlugin(recorder), { engine: ctx.engine, timeAggregation: '%Y-%m-%d' })
      await h.withConnection((s) => s.materialize(usersPerDay(s), { kind: 'temp_table', name: 'tmp_every_drop' }))
      expect(drops).toEqual(ctx.engine.tables.temporaryEndWithConnection ? [] : ['tmp_every_drop'])
      await expect(ctx.db.selectFrom('tmp_every_drop').selectAll().execute()).rejects.toThrow(/tmp_every_drop/)
    })

    it('connect(): the table is read until release()', async () => {
      // PGlite has one connection: the check that no other connection sees it is after the release.
      const connection = await hub().connect()
      try {
        const table = await connection.hub.materialize(usersPerDay(connection.hub), {
          kind: 'temp_table',
          name: 'tmp_every_handle',
        })
        expect(await table.where('time_aggregation', '=', '2021-12-01').execute()).toEqual([USERS_PER_DAY[2]])
      } finally {
        await connection.release()
      }
      await expect(ctx.db.selectFrom('tmp_every_handle').selectAll().execute()).rejects.toThrow(/tmp_every_handle/)
    })

    it('a hub over a transaction: the table lives until the transaction ends', async () => {
      const rows = await ctx.db.transaction().execute(async (trx) => {
        const h = new ModelHub(trx, { engine: ctx.engine, timeAggregation: '%Y-%m-%d' })
        const table = await h.materialize(usersPerDay(h), { kind: 'temp_table', name: 'tmp_every_trx' })
        return table.orderBy('time_aggregation').execute()
      })
      expect(rows).toEqual(USERS_PER_DAY)
      await expect(ctx.db.selectFrom('tmp_every_trx').selectAll().execute()).rejects.toThrow(/tmp_every_trx/)
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)
