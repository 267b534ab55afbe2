import { bigquery } from '@kysely-modelhub/bigquery'
import type { CompiledQuery } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { SNOWPLOW_COLUMNS } from '../fixtures/snowplow-data.ts'
import { EVERY_MODEL, sampleHub } from '../support/every-model.ts'
import { type AnalyzedColumn, analyzeOnZetaSql, createZetaSqlDb, type TableContents } from '../support/zetasql.ts'

/**
 * Every model's BigQuery SQL analyzed (resolved and type-checked, no data) by ZetaSQL against a
 * catalog of the input layouts: Objectiv's `data` table with `value` as STRING or JSON, and the
 * flattened Snowplow table. Each layout gives every model the same output columns and types.
 */

const DATA_COLUMNS = { event_id: 'STRING', day: 'DATE', moment: 'TIMESTAMP', cookie_id: 'STRING' } as const
const CATALOG: Record<string, TableContents['columns']> = {
  data: { ...DATA_COLUMNS, value: 'STRING' },
  data_json: { ...DATA_COLUMNS, value: 'JSON' },
  events: SNOWPLOW_COLUMNS,
}

const LAYOUTS = [
  ['data, value STRING', { table: 'data' }],
  ['data, value JSON', { table: 'data_json' }],
  ['snowplow', { layout: 'snowplow', table: 'events' }],
] as const

/** Every model of docs/models.md, with its options exercised (the list the load test runs too). */
const MODELS = EVERY_MODEL

const hub = (options: object) =>
  sampleHub(createZetaSqlDb(inject('zetasqlPort')), { engine: bigquery, identityResolution: 'email', ...options })

const analyze = (build: (h: any) => { compile(): CompiledQuery }, options: object): Promise<AnalyzedColumn[]> =>
  analyzeOnZetaSql(inject('zetasqlPort'), build(hub(options)).compile(), CATALOG)

describe('every model analyzes on ZetaSQL against each table layout', () => {
  it('the events have the objectiv dataframe types in every layout', async () => {
    for (const [, options] of LAYOUTS) {
      expect(await analyze(MODELS.events!, options)).toEqual([
        { name: 'event_id', type: 'STRING' },
        { name: 'day', type: 'DATE' },
        { name: 'moment', type: 'TIMESTAMP' },
        { name: 'event_type', type: 'STRING' },
        { name: 'stack_event_types', type: 'JSON' },
        { name: 'location_stack', type: 'JSON' },
        { name: 'application', type: 'JSON' },
        { name: 'http', type: 'JSON' },
        { name: 'user_id', type: 'STRING' },
        { name: 'session_id', type: 'INT64' },
        { name: 'session_hit_number', type: 'INT64' },
      ])
    }
  })

  for (const [model, build] of Object.entries(MODELS))
    it(model, async () => {
      const [first, ...others] = await Promise.all(LAYOUTS.map(([, options]) => analyze(build, options)))
      expect(first!.length).toBeGreaterThan(0)
      for (const columns of others) expect(columns).toEqual(first)
    })

  it('uniqueUsers by JSON keys keeps them JSON', async () => {
    expect(await analyze(MODELS['agg.uniqueUsers by application and location stack']!, LAYOUTS[2][1])).toEqual([
      { name: 'application', type: 'JSON' },
      { name: 'location_stack', type: 'JSON' },
      { name: 'unique_users', type: 'INT64' },
    ])
  })

  it('a layout that does not fit is reported, not ignored', async () => {
    const { cookie_id, ...noCookie } = DATA_COLUMNS
    await expect(
      analyzeOnZetaSql(inject('zetasqlPort'), hub({ table: 'data' }).events().compile(), {
        data: { ...noCookie, value: 'STRING' },
      }),
    ).rejects.toThrow(/ZetaSQL: .*cookie_id/)
    const { true_tstamp, ...noTrueTstamp } = SNOWPLOW_COLUMNS
    await expect(
      analyzeOnZetaSql(inject('zetasqlPort'), hub({ layout: 'snowplow', table: 'events' }).events().compile(), {
        events: { ...noTrueTstamp, true_tstamp: 'STRING' },
      }),
    ).rejects.toThrow(/ZetaSQL: /)
  })
})
