import { connectionOf } from '@kysely-modelhub/postgres'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachPostgres } from '../support/engines.ts'
import { canonical, EVERY_MODEL, sampleHub } from '../support/every-model.ts'

/** Concurrent model queries; LOAD_QUERIES raises it for a heavier run. */
const CONCURRENT = Number(process.env.LOAD_QUERIES ?? 50)

describeEachPostgres(
  'load: concurrent model queries through one pool',
  (ctx) => {
    const pool = () => {
      const connection = connectionOf(ctx.db)
      return connection && 'pool' in connection ? connection.pool : undefined
    }
    /** Backends of this test's database other than the one asking: connections still open. */
    const backends = async () => {
      const { rows } = await sql<{
        n: number
      }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(
        ctx.db,
      )
      return rows[0]?.n ?? 0
    }

    it(`${CONCURRENT} model queries at once give each the rows it gives alone, on at most 10 connections`, async () => {
      const hub = sampleHub(ctx.db)
      const names = Object.keys(EVERY_MODEL)
      const alone = new Map<string, string[]>()
      for (const name of names) alone.set(name, canonical(await EVERY_MODEL[name]!(hub).execute()))
      let mostConnections = 0
      const watch = setInterval(() => {
        mostConnections = Math.max(mostConnections, pool()?.totalCount ?? 1)
      }, 5)
      const jobs = Array.from({ length: CONCURRENT }, (_, i) => names[i % names.length] as string)
      const results = await Promise.all(
        jobs.map(async (name) => ({ name, rows: canonical(await EVERY_MODEL[name]!(sampleHub(ctx.db)).execute()) })),
      ).finally(() => clearInterval(watch))
      const wrong = results.filter(({ name, rows }) => JSON.stringify(rows) !== JSON.stringify(alone.get(name)))
      expect(wrong.map((w) => w.name)).toEqual([])
      expect(results).toHaveLength(CONCURRENT)
      if (pool()) {
        expect(mostConnections).toBeGreaterThan(1)
        expect(mostConnections).toBeLessThanOrEqual(10)
        expect(pool()?.waitingCount).toBe(0)
        expect(pool()?.idleCount).toBe(pool()?.totalCount)
        // The pool's own idle connections, and nothing else, are left on the server.
        expect(await backends()).toBeLessThanOrEqual((pool()?.totalCount ?? 0) - 1)
      }
    })

    it('temporary tables of concurrent callers stay on each caller’s own connection', async () => {
      const hub = sampleHub(ctx.db)
      const days = ['2022-03-01', '2022-03-02', '2022-03-03', '2022-03-04', '2022-03-05', '2022-03-06']
      const expected = await Promise.all(
        days.map(async (day) =>
          canonical(
            await hub.agg.uniqueUsers(hub.events({ startDate: day, endDate: day }), { groupBy: null }).execute(),
          ),
        ),
      )
      // Every caller makes a temporary table of the same name: sharing a connection would collide.
      const got = await Promise.all(
        [...days, ...days].map((day) =>
          hub.withConnection(async (h) => {
            const events = await h.materialize(h.events({ startDate: day, endDate: day }), {
              kind: 'temp_table',
              name: 'day_events',
            })
            return canonical(await h.agg.uniqueUsers(events, { groupBy: null }).execute())
          }),
        ),
      )
      expect(got).toEqual([...expected, ...expected])
      if (pool()) {
        expect(pool()?.idleCount).toBe(pool()?.totalCount)
        const { rows } = await sql<{
          n: number
        }>`select count(*)::int as n from pg_class where relname = 'day_events'`.execute(ctx.db)
        expect(rows[0]?.n).toBe(0)
      }
    })
  },
  (db) => loadSampleData(db, { events: 1000, progress: false }).then(() => {}),
)
