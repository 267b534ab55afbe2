import { loadSampleData } from '@kysely-modelhub/sample-data'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { benchHub } from '../../bench/src/models.ts'
import { OBJECTIV_MODELS } from '../../bench/src/objectiv-models.ts'
import { objectivDifference } from '../../bench/src/objectiv-run.ts'
import { describeEachPostgres } from '../support/engines.ts'

/**
 * `pnpm bench:objectiv` times our models against bench/objectiv/*.sql, the SQL Objectiv's Bach
 * generates for the same questions; this keeps the two answering alike as the models change.
 */
describeEachPostgres(
  "Objectiv's generated SQL answers as our models do",
  (ctx) => {
    for (const model of OBJECTIV_MODELS) {
      it(`${model.name}: same rows as bench/objectiv/${model.name}.sql`, async () => {
        const ours = model.build(benchHub(ctx.db)).compile()
        expect(await objectivDifference(ctx.db, model, ours)).toBeUndefined()
      })
    }

    it('compares real answers: the sample has conversions counted twice and several retention periods', async () => {
      const { rows } = await sql<{ twice: number; periods: number }>`
        select (select count(*)::int from (${OBJECTIV_MODELS.find((m) => m.name === 'new-month-converted-twice')!.build(
          benchHub(ctx.db),
        )}) as q) as twice,
               (select count(distinct period)::int from (${OBJECTIV_MODELS.find(
                 (m) => m.name === 'retention-monthly',
               )!.build(benchHub(ctx.db))}) as q) as periods`.execute(ctx.db)
      expect(rows[0]!.twice).toBeGreaterThan(0)
      expect(rows[0]!.periods).toBeGreaterThan(1)
    })
  },
  async (db) => {
    await loadSampleData(db, { events: 2000, seed: 3, progress: false })
    await sql`analyze data`.execute(db)
  },
)
