import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { EDGE_DATA, edgeUserId } from '../fixtures/agg-edge-data.ts'
import { createDataTable, type DataRow, dataRow, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { CALENDAR_DATA, MIDNIGHT_DATA } from '../fixtures/session-calendar-data.ts'
import { normalized } from '../support/normalized.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * Every model on Objectiv's 12 test events and the edge and calendar fixtures, compiled by the
 * bigquery engine and executed on ZetaSQL, gives the rows the postgres engine gives on PGlite
 * (after sorting), and those rows are never empty.
 */

const COLUMNS = { event_id: 'STRING', day: 'DATE', moment: 'TIMESTAMP', cookie_id: 'STRING', value: 'STRING' } as const

const element = (_type: string, id: string) => ({ _type, id, _types: ['AbstractContext', 'AbstractLocationContext'] })
const MAIN = element('RootLocationContext', 'main')

/**
 * A short visit by a user of its own (three events a minute apart: a section of the home page, the
 * repository link on `main` — a conversion for both hub conversions — and a section of `main`), added to the fixtures that hold no location stacks, no conversions or no session
 * longer than one event: without it, the location, conversion and duration models would give `[]`
 * on both engines and their comparison would prove nothing.
 */
function visit(firstEvent: number, user: string, moment: string): DataRow[] {
  const at = (minutes: number) =>
    new Date(Date.parse(`${moment}Z`) + minutes * 60_000).toISOString().replace('T', ' ').replace('Z', '')
  return [
    dataRow(firstEvent, at(0), user, {
      stack: [element('RootLocationContext', 'home'), element('SectionContext', 'docs')],
    }),
    dataRow(firstEvent + 1, at(1), user, { stack: [MAIN, element('LinkContext', 'cta-repo-button')] }),
    dataRow(firstEvent + 2, at(2), user, { stack: [MAIN, element('SectionContext', 'docs')] }),
  ]
}

/** Each fixture, and the date window of its `events({ startDate, endDate })` comparison. */
const FIXTURES: [string, DataRow[], { startDate: string; endDate: string }][] = [
  ["Objectiv's 12 events", OBJECTIV_DATA, { startDate: '2021-11-30', endDate: '2021-12-02' }],
  [
    'the agg edge data',
    [...EDGE_DATA, ...visit(901, edgeUserId(99), '2022-01-02 12:00:00')],
    { startDate: '2022-01-01', endDate: '2022-01-01' },
  ],
  [
    'midnight sessions',
    [...MIDNIGHT_DATA, ...visit(911, userId(1), '2021-12-06 12:00:00')],
    { startDate: '2021-12-06', endDate: '2021-12-06' },
  ],
  [
    'calendar edges',
    [...CALENDAR_DATA, ...visit(921, userId(2), '2022-01-04 12:00:00')],
    { startDate: '2022-01-01', endDate: '2022-01-09' },
  ],
]

for (const [fixture, data, window] of FIXTURES)
  describe(`models on bigquery(zetasql) equal postgres on ${fixture}`, () => {
    const rows = data.map((r) => ({ ...r, value: JSON.stringify(r.value) }))
    let pg: Kysely<any>
    let bq: Kysely<any>
    beforeAll(async () => {
      pg = await createPgliteDb<any>()
      await createDataTable(pg, data)
      bq = createZetaSqlDb(inject('zetasqlPort'), {
        data: { columns: COLUMNS, rows },
        data_json: { columns: { ...COLUMNS, value: 'JSON' }, rows },
      })
    })
    afterAll(async () => {
      await pg?.destroy()
    })

    const hubs = (options: ConstructorParameters<typeof ModelHub>[1] = {}) => {
      const setup = (h: ModelHub<any, any, any>) =>
        h
          .addConversionEvent({
            name: 'github_clicks',
            locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'cta-repo-button' }),
            eventType: 'ClickEvent',
          })
          .addConversionEvent({ name: 'main', locationStack: (ls) => ls.from({ id: 'main' }) })
      return [
        // Postgres numbers sessions as BigQuery does by default ('daily'), so session_id compares too.
        setup(new ModelHub(pg, { table: 'data', globalContexts: ['application'], sessionIds: 'daily', ...options })),
        setup(new ModelHub(bq, { table: 'data', globalContexts: ['application'], ...options, engine: bigquery })),
      ] as const
    }

    async function same(build: (h: any) => { execute(): Promise<any[]> }, options = {}) {
      const [p, b] = hubs(options)
      const expected = await build(p).execute()
      // Every fixture holds rows for every model compared here: equal empty results would prove nothing.
      expect(expected.length).toBeGreaterThan(0)
      expect(normalized(await build(b).execute())).toEqual(normalized(expected))
      // The exported SQL (formatted for BigQuery, parameters inlined) runs as is and gives the same rows.
      const exported = b.toSql(build(b) as never, { inlineParameters: true })
      const { rows } = await sql.raw(exported).execute(bq)
      expect(normalized(rows as Record<string, unknown>[])).toEqual(normalized(expected))
    }

    it('events()', () => same((h) => h.events()))
    it('events() from a value column of the JSON type', async () => {
      const [p, b] = hubs()
      const [, fromJson] = hubs({ table: 'data_json' })
      expect(normalized(await fromJson.events().execute())).toEqual(normalized(await p.events().execute()))
      expect(normalized(await fromJson.events().execute())).toEqual(normalized(await b.events().execute()))
    })
    it('events() with identity resolution, global contexts and a date window', () =>
      same((h) => h.events(window), {
        identityResolution: 'email',
        globalContexts: ['application', 'cookie_id', 'http', 'marketing'],
        sessionGapSeconds: 180,
      }))
    it('map: isFirstSession, isNewUser, conversions, timeAgg', () =>
      same((h) =>
        h.map.timeAgg(
          h.map.preConversionHitNumber(
            h.map.conversionsCounter(
              h.map.conversionsInTime(
                h.map.isConversionEvent(h.map.isNewUser(h.map.isFirstSession(h.events())), 'github_clicks'),
                'github_clicks',
              ),
              'main',
            ),
            'github_clicks',
          ),
          { timeAggregation: '%Y-%m-%d %H %a' },
        ),
      ))
    it('agg.uniqueUsers', async () => {
      await same((h) => h.agg.uniqueUsers(h.events()))
      // By a global context too: a JSON column, which BigQuery groups through the engine's groupKey.
      await same((h) =>
        h.agg.uniqueUsers(h.events(), { groupBy: ['application', 'event_type', { timeAggregation: '%Y-W%V' }] }),
      )
    })
    it('agg.uniqueSessions', () => same((h) => h.agg.uniqueSessions(h.events())))
    it('agg.sessionDuration', () => same((h) => h.agg.sessionDuration(h.events())))
    it('agg.frequency', () => same((h) => h.agg.frequency(h.events())))
    it('agg.retentionMatrix', async () => {
      for (const timePeriod of ['daily', 'weekly', 'monthly', 'yearly']) {
        await same((h) => h.agg.retentionMatrix(h.events(), { timePeriod }))
      }
    })
    it('agg.topProductFeatures', () => same((h) => h.agg.topProductFeatures(h.events())))
    it('agg.topProductFeaturesBeforeConversion', () =>
      Promise.all(
        ['github_clicks', 'main'].map((name) =>
          same((h) => h.agg.topProductFeaturesBeforeConversion(h.events(), name)),
        ),
      ))
    it('agg.dropOffLocations', async () => {
      await same((h) => h.agg.dropOffLocations(h.events()))
      await same((h) =>
        h.agg.dropOffLocations(h.events(), { groupBy: ['user_id', { timeAggregation: '%Y' }], percentage: true }),
      )
    })
    it('agg.funnelConversion', () => same((h) => h.agg.funnelConversion(h.events())))
    // By a global context: a JSON column, partitioned through the engine's groupKey on BigQuery.
    it('funnel.navigationPaths by a global context', () =>
      same((h) => h.funnel.navigationPaths(h.events(), { steps: 2, by: ['application'] })))
  })
