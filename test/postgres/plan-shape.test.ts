import { loadSampleData } from '@kysely-modelhub/sample-data'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { type BenchHub, type BenchModel, benchHub, MODELS } from '../../bench/src/models.ts'
import { describeEachPostgres } from '../support/engines.ts'
import { planShape } from '../support/plan.ts'

/**
 * The only joins models need: divide aligns its two aggregates on their keys; lifecycle joins each
 * active period with the series of periods up to the next one (so empty periods are listed) and
 * gives each period its four status rows by a join with four constant rows (docs/semantics.md §S8.1);
 * recurring retention pairs each cohort a user is in with their later active periods, one join on
 * user_id of the per-user, per-period aggregate with itself (docs/semantics.md §S4.3.1);
 * a funnel of steps (any order) crosses its one row of counts with the step numbers; the features
 * models unnest, per named stack part, the users collected for it (a join with the row's own array).
 */
const JOINS: Readonly<Record<string, number>> = {
  'new-user-share': 1,
  'lifecycle-weekly': 2,
  'retention-recurring-weekly': 1,
  'ordered-steps': 1,
  'funnel-strict': 1,
  'funnel-unordered': 1,
  'top-product-features': 1,
  'top-features-before-conversion': 1,
}

/** A benchmark model's query, after what it needs first (the fitted model predict scores with). */
async function built(model: BenchModel, hub: BenchHub) {
  await model.prepare?.(hub)
  return model.build(hub)
}

/** The benchmark's models, whose plans `pnpm bench` reports, on a small generated sample. */
describeEachPostgres(
  'plan shape of the benchmark models',
  (ctx) => {
    for (const model of MODELS) {
      it(`${model.name}: never joins events back on event_id`, async () => {
        const shape = await planShape(ctx.db, await built(model, benchHub(ctx.db)))
        expect(shape.eventIdJoins).toBe(0)
        expect(shape.joins).toBe(JOINS[model.name] ?? 0)
      })
    }

    for (const model of MODELS.filter((m) => !m.usesSessions)) {
      it(`${model.name}: reads no session column, so pays for no sessionization sort`, async () => {
        const shape = await planShape(ctx.db, await built(model, benchHub(ctx.db)))
        expect(shape.sessionSorts).toBe(0)
      })
    }

    it('finds the sessionization sorts where sessions are read (the check above can fail)', async () => {
      const events = MODELS.find((m) => m.name === 'events')!
      const shape = await planShape(ctx.db, events.build(benchHub(ctx.db)))
      // lag/row_number per user, the running count of starts over all events, the per-user max.
      expect(shape.sessionSorts).toBe(3)
      expect(shape.windowAggs).toBe(3)
    })

    it('counts what the plans hold: one WindowAgg for retention, none for unique users', async () => {
      const hub = benchHub(ctx.db)
      const shape = async (name: string) => planShape(ctx.db, MODELS.find((m) => m.name === name)!.build(hub))
      expect((await shape('unique-users')).windowAggs).toBe(0)
      expect((await shape('retention-monthly')).windowAggs).toBe(1)
    })
  },
  async (db) => {
    await loadSampleData(db, { events: 2000, seed: 3, progress: false })
    await sql`analyze data`.execute(db)
  },
)
