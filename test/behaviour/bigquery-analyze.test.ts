import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHub } from '@kysely-modelhub/modelhub'
import type { CompiledQuery } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { SNOWPLOW_COLUMNS } from '../fixtures/snowplow-data.ts'
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

const overlay = { _type: 'OverlayContext', id: 'hamburger-menu' }

/** Every model of API.md, with its options exercised, as a query over the hub's events. */
const MODELS: Record<string, (h: any) => { compile(): CompiledQuery }> = {
  events: (h) => h.events(),
  'events, windowed': (h) => h.events({ startDate: '2021-11-30', endDate: '2021-12-02' }),
  'map.isFirstSession': (h) => h.map.isFirstSession(h.events()),
  'map.isNewUser': (h) => h.map.isNewUser(h.events()),
  'map.isConversionEvent': (h) => h.map.isConversionEvent(h.events(), 'github_clicks'),
  'map.conversionsCounter': (h) => h.map.conversionsCounter(h.events(), 'github_clicks'),
  'map.conversionsInTime': (h) => h.map.conversionsInTime(h.events(), 'github_clicks'),
  'map.preConversionHitNumber': (h) => h.map.preConversionHitNumber(h.events(), 'github_clicks'),
  'map.timeAgg': (h) => h.map.timeAgg(h.events(), '%Y-W%V %H:%M:%S.%f'),
  'agg.uniqueUsers': (h) => h.agg.uniqueUsers(h.events()),
  'agg.uniqueUsers by application and location stack': (h) =>
    h.agg.uniqueUsers(h.events(), { groupBy: ['application', 'location_stack'] }),
  'agg.uniqueSessions': (h) => h.agg.uniqueSessions(h.events(), { groupBy: ['application', 'event_type'] }),
  'agg.sessionDuration': (h) => h.agg.sessionDuration(h.events()),
  'agg.sessionDuration, sum, no bounces excluded': (h) =>
    h.agg.sessionDuration(h.events(), { method: 'sum', excludeBounces: false, groupBy: null }),
  'agg.frequency': (h) => h.agg.frequency(h.events()),
  'agg.retentionMatrix': (h) => h.agg.retentionMatrix(h.events(), { timePeriod: 'weekly' }),
  'agg.topProductFeatures': (h) => h.agg.topProductFeatures(h.events()),
  'agg.topProductFeaturesBeforeConversion': (h) =>
    h.agg.topProductFeaturesBeforeConversion(h.events(), 'github_clicks'),
  'agg.dropOffLocations': (h) => h.agg.dropOffLocations(h.events(), { groupBy: 'application', percentage: true }),
  'agg.funnelConversion': (h) => h.agg.funnelConversion(h.events(), { groupBy: 'application' }),
  'funnel.navigationPaths': (h) => h.funnel.navigationPaths(h.events(), { steps: 3, by: ['session_id'] }),
  'funnel.orderedSteps': (h) =>
    h.funnel.orderedSteps(h.events(), {
      steps: [overlay, overlay, (eb: any) => eb('event_type', '=', 'ClickEvent')],
      conversionWindowSeconds: 86_400,
      groupBy: { timeAggregation: '%Y-%m-%d' },
    }),
  divide: (h) =>
    h.divide(
      h.agg.uniqueUsers(h.map.isNewUser(h.events()).where('is_new_user', '=', true)),
      h.agg.uniqueUsers(h.events()),
    ),
}

const hub = (options: object) =>
  new ModelHub(createZetaSqlDb(inject('zetasqlPort')), {
    engine: bigquery,
    globalContexts: ['application', 'http'],
    identityResolution: 'email',
    ...options,
  }).addConversionEvent({
    name: 'github_clicks',
    locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'cta-repo-button' }),
    eventType: 'ClickEvent',
  })

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
