import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { EDGE_DATA } from '../fixtures/agg-edge-data.ts'
import { createDataTable, type DataRow, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { normalized } from '../support/normalized.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * The funnel models compiled by the bigquery engine and executed on ZetaSQL give the rows (in the
 * same order) that the postgres engine gives on PGlite.
 */

const COLUMNS = { event_id: 'STRING', day: 'DATE', moment: 'TIMESTAMP', cookie_id: 'STRING', value: 'STRING' } as const
const FIXTURES: [string, DataRow[]][] = [
  ["Objectiv's 12 events", OBJECTIV_DATA],
  ['the agg edge data', EDGE_DATA],
]

for (const [fixture, data] of FIXTURES)
  describe(`funnel models on bigquery(zetasql) equal postgres on ${fixture}`, () => {
    const rows = data.map((r) => ({ ...r, value: JSON.stringify(r.value) }))
    let pg: Kysely<any>
    let bq: Kysely<any>
    beforeAll(async () => {
      pg = await createPgliteDb<any>()
      await createDataTable(pg, data)
      bq = createZetaSqlDb(inject('zetasqlPort'), { data: { columns: COLUMNS, rows } })
    })
    afterAll(async () => {
      await pg?.destroy()
    })

    const hubs = () => {
      const setup = (h: ModelHub<any, any, any>) =>
        h.addConversionEvent({ name: 'main', locationStack: (ls) => ls.from({ id: 'main' }) })
      return [
        setup(new ModelHub(pg, { table: 'data' })),
        setup(new ModelHub(bq, { table: 'data', engine: bigquery, sessionIds: 'sequential' })),
      ] as const
    }

    async function same(build: (h: any) => { execute(): Promise<any[]> }) {
      const [p, b] = hubs()
      const expected = await build(p).execute()
      if (data === OBJECTIV_DATA) expect(expected.length).toBeGreaterThan(0)
      expect(normalized(await build(b).execute(), true)).toEqual(normalized(expected, true))
      const exported = b.toSql(build(b) as never, { inlineParameters: true })
      const { rows: fromSql } = await sql.raw(exported).execute(bq)
      expect(normalized(fromSql as Record<string, unknown>[], true)).toEqual(normalized(expected, true))
    }

    it('funnel.navigationPaths', async () => {
      await same((h) => h.funnel.navigationPaths(h.events(), { steps: 4, by: null }))
      await same((h) => h.funnel.navigationPaths(h.events(), { steps: 3, by: ['session_id'] }))
      await same((h) =>
        h.funnel.navigationPaths(h.events(), { steps: 2, by: null, locationStack: 'session_hit_number' }),
      )
      await same((h) =>
        h.funnel.navigationPaths(h.events(), {
          steps: 3,
          conversionName: 'main',
          addConversionStepColumn: true,
          onlyConvertedPaths: true,
        }),
      )
      await same((h) =>
        h.funnel.navigationPaths(h.events(), {
          steps: 3,
          by: null,
          startFromEnd: true,
          conversionName: 'main',
          addConversionStepColumn: true,
          nExamples: 5,
        }),
      )
    })

    it('funnel.orderedSteps', async () => {
      const overlay = { _type: 'OverlayContext', id: 'hamburger-menu' }
      await same((h) =>
        h.funnel.orderedSteps(h.events(), { steps: [overlay, { _type: 'SectionContext', id: 'footer' }] }),
      )
      await same((h) =>
        h.funnel.orderedSteps(h.events(), {
          steps: [overlay, overlay, (eb: any) => eb('event_type', '=', 'ClickEvent')],
          conversionWindowSeconds: 86_400,
          groupBy: { timeAggregation: '%Y-%m-%d' },
        }),
      )
    })
  })
