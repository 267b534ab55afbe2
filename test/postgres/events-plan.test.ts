import { ModelHub } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { createDataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachPostgres } from '../support/engines.ts'
import { planNodeCounts } from '../support/plan.ts'
import { verbosePlan } from '../support/verbose-plan.ts'

describeEachPostgres(
  'events() query plans',
  (ctx) => {
    const hub = (options: ConstructorParameters<typeof ModelHub>[1] = {}) =>
      new ModelHub(ctx.db, { engine: ctx.engine, globalContexts: ['application'], ...options })

    it('contains no self-join', () => {
      const { sql } = hub({ identityResolution: 'email' }).events({ startDate: '2021-11-01' }).compile()
      expect(sql).not.toMatch(/\bjoin\b/i)
    })

    it('does not sort or window the events for a query that reads no session column', async () => {
      const q = hub().events({ startDate: '2021-11-29' })
      for (const columns of [
        ['event_id', 'moment', 'event_type'],
        ['user_id', 'location_stack', 'application'],
      ] as const) {
        const counts = await planNodeCounts(ctx.db, q.clearSelect().select(columns))
        expect(counts.WindowAgg ?? 0).toBe(0)
        expect(counts.Sort ?? 0).toBe(0)
      }
    })

    it('keeps only the identity pass, not the session passes, when identities are resolved', async () => {
      const resolving = hub({ identityResolution: 'email' })
      const users = resolving.events().clearSelect().select(['event_id', 'user_id'])
      expect(await planNodeCounts(ctx.db, users)).toMatchObject({ WindowAgg: 1, Sort: 1 })
      // Without user_id not even that one: the pass is not in the SQL (docs/performance.md, "The SQL a model exports").
      const days = await planNodeCounts(ctx.db, resolving.events().clearSelect().select(['event_id', 'day']))
      expect([days.WindowAgg ?? 0, days.Sort ?? 0]).toEqual([0, 0])
    })

    it('parses value once per row however many fields are read, and not at all when none are', async () => {
      const parses = async (columns: readonly string[]) => {
        const plan = await verbosePlan(
          ctx.db,
          hub()
            .events()
            .clearSelect()
            .select(columns as never),
        )
        return plan.match(/\(data\.value\)::jsonb/g)?.length ?? 0
      }
      expect(await parses(['event_type', 'location_stack', 'stack_event_types', 'application'])).toBe(1)
      expect(await parses(['event_id', 'moment', 'user_id'])).toBe(0)
    })

    // On the server only: PGlite runs in one process and plans no parallel workers.
    const onServer = ctx.name === 'postgres' ? it : () => undefined
    onServer(
      'leaves parallel plans open above the fence that parses value once (OFFSET NULL, not OFFSET 0)',
      async () => {
        // The test data is small, so parallel plans are made free; with an OFFSET 0 fence there would be none.
        const q = hub().agg.uniqueUsers(hub().events(), { groupBy: 'event_type' })
        const plan = await ctx.db.connection().execute(async (db) => {
          await sql`set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0`.execute(
            db,
          )
          const found = await verbosePlan(db, q)
          await sql`reset parallel_setup_cost; reset parallel_tuple_cost; reset min_parallel_table_scan_size`.execute(
            db,
          )
          return found
        })
        // The workers parse: the Gather sits above the fenced stages (with OFFSET 0 it could only sit inside).
        const gather = plan.indexOf('Gather')
        expect(gather).toBeGreaterThan(-1)
        expect(gather).toBeLessThan(plan.indexOf('Subquery Scan on raw'))
      },
    )

    it('sessionizes in three window passes when a session column is read', async () => {
      const counts = await planNodeCounts(ctx.db, hub().events().clearSelect().select(['event_id', 'session_id']))
      expect(counts.WindowAgg).toBe(3)
      expect(counts.Sort).toBe(3)
    })

    it('reads the date window through the day index in a time zone too (the day range one day wider)', async () => {
      const window = { startDate: '2021-11-30', endDate: '2021-12-01' }
      for (const timeZone of ['UTC', 'Europe/Amsterdam']) {
        const q = hub({ timeZone }).events(window).clearSelect().select(['event_id'])
        const counts = await ctx.db.connection().execute(async (db) => {
          await sql`set enable_seqscan = off`.execute(db)
          const found = await planNodeCounts(db, q)
          await sql`reset enable_seqscan`.execute(db)
          return found
        })
        expect((counts['Bitmap Index Scan'] ?? 0) + (counts['Index Scan'] ?? 0), timeZone).toBeGreaterThan(0)
        expect(counts['Seq Scan'] ?? 0, timeZone).toBe(0)
      }
    })

    it('resolves identity in one more window pass, only when user_id is read', async () => {
      const resolved = hub({ identityResolution: 'email', anonymizeUnidentifiedUsers: false }).events()
      expect((await planNodeCounts(ctx.db, resolved.clearSelect().select(['user_id']))).WindowAgg).toBe(1)
      expect((await planNodeCounts(ctx.db, resolved.clearSelect().select(['user_id', 'session_id']))).WindowAgg).toBe(4)
    })
  },
  (db) => createDataTable(db, OBJECTIV_DATA),
)
