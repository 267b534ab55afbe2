import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub, ModelHubOptionError } from '@kysely-modelhub/modelhub'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDataTable, type DataRow, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { snowplowTable, withoutTypes } from '../fixtures/snowplow-data.ts'
import { normalized } from '../support/normalized.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * The flattened Snowplow layout (`layout: 'snowplow'`) on bigquery(zetasql): Objectiv's 12 events
 * stored as Snowplow rows, with duplicated event_ids loaded later, give the events and models the
 * objectiv layout gives on Postgres (PGlite).
 */

// Snowplow stores location stacks without `_types`: the objectiv-layout reference for events() does too.
const STRIPPED: DataRow[] = OBJECTIV_DATA.map((row) => ({
  ...row,
  value: { ...row.value, location_stack: withoutTypes(row.value.location_stack) },
}))

const CONTEXTS = ['application', 'cookie_id', 'http', 'marketing'] as const

describe('the snowplow layout on bigquery(zetasql) equals the objectiv layout on postgres', () => {
  const table = snowplowTable(OBJECTIV_DATA)
  let pg: Kysely<any>
  let bq: Kysely<any>
  beforeAll(async () => {
    pg = await createPgliteDb<any>()
    await createDataTable(pg, OBJECTIV_DATA)
    await createDataTable(pg, STRIPPED, 'stripped')
    bq = createZetaSqlDb(inject('zetasqlPort'), { events: table })
  })
  afterAll(async () => {
    await pg?.destroy()
  })

  const snowplow = (options: Record<string, unknown> = {}) =>
    new ModelHub(bq, { layout: 'snowplow', engine: bigquery, ...options })

  it('the fixture holds duplicated event_ids, listed before the rows to keep', () => {
    expect(table.rows.length).toBe(16)
    expect(new Set(table.rows.map((r) => r.event_id)).size).toBe(12)
    expect(table.rows[0]?.se_action).toBe('DuplicateEvent')
  })

  it('events(): the same rows, one per event_id, the earliest collected', async () => {
    const expected = await new ModelHub(pg, { table: 'stripped', globalContexts: CONTEXTS, sessionIds: 'daily' })
      .events()
      .execute()
    const rows: any[] = await snowplow({ globalContexts: CONTEXTS }).events().execute()
    expect(rows).toHaveLength(12)
    expect(rows.map((r) => r.event_type)).toEqual(Array(12).fill('ClickEvent'))
    expect(normalized(rows)).toEqual(normalized(expected))
    const first = rows.find((r) => r.event_id.endsWith('301'))
    expect(first?.application).toEqual([{ _type: 'ApplicationContext', id: 'objectiv-website' }])
    expect(first?.marketing).toEqual([])
    expect(first?.day).toBe('2021-11-30')
  })

  it('events() with identity resolution and a date window', async () => {
    const options = { identityResolution: 'email', globalContexts: CONTEXTS, sessionGapSeconds: 180 }
    const window = { startDate: '2021-11-30', endDate: '2021-12-02' }
    const expected = await new ModelHub(pg, { table: 'stripped', sessionIds: 'daily', ...options })
      .events(window)
      .execute()
    const rows = await snowplow(options).events(window).execute()
    expect(rows).toHaveLength(9)
    expect(normalized(rows)).toEqual(normalized(expected))
    expect(new Set(rows.map((r) => r.user_id))).toEqual(
      new Set(['fake2@objectiv.io|email', 'fake3@objectiv.io|email', null]),
    )
  })

  it('the date window prunes on collector_tstamp, padded a day each side, and filters the derived day', () => {
    const compiled = snowplow().events({ startDate: '2021-11-30', endDate: '2021-12-02' }).compile()
    // A stage with one source names its columns unqualified (docs/performance.md, "The SQL a model exports").
    expect(compiled.sql).toContain('`collector_tstamp` >= timestamp(cast(@p')
    expect(compiled.sql).toContain('`collector_tstamp` < timestamp(cast(@p')
    expect(compiled.sql).toContain("date(`true_tstamp`, 'UTC') >= cast(@p")
    expect(compiled.sql).toContain(
      'row_number() over (partition by `sp`.`event_id` order by `sp`.`collector_tstamp`) as `__occurrence`',
    )
    expect(compiled.parameters).toEqual(['2021-11-29', '2021-12-04', '2021-11-30', '2021-12-02'])
  })

  it('in a time zone the window is of local days, padded one day more, as on the objectiv layout', async () => {
    // UTC+14: the fixture's 10:23 UTC events are 00:23 the next local day.
    const options = { globalContexts: CONTEXTS, timeZone: 'Pacific/Kiritimati' }
    const window = { startDate: '2021-12-01', endDate: '2021-12-02' }
    const expected = await new ModelHub(pg, { table: 'stripped', sessionIds: 'daily', ...options })
      .events(window)
      .execute()
    const rows = await snowplow(options).events(window).execute()
    expect(normalized(rows)).toEqual(normalized(expected))
    expect(rows.map((r) => r.day).sort()).toEqual([...Array(4).fill('2021-11-30'), '2021-12-01', '2021-12-01'])
    expect(snowplow(options).events(window).compile().parameters).toEqual([
      '2021-11-29',
      '2021-12-05',
      '2021-12-01',
      '2021-12-02',
    ])
  })

  it('a late duplicate outside the padded window is not read; the earliest copy inside is kept', async () => {
    const late = {
      ...table.rows[1],
      collector_tstamp: '2021-12-20T00:00:00.000Z',
      network_userid: 'late-user',
      se_action: 'LateEvent',
    }
    const db = createZetaSqlDb(inject('zetasqlPort'), { events: { ...table, rows: [late, ...table.rows] } })
    const hub = new ModelHub(db, { layout: 'snowplow', engine: bigquery })
    const windowed = await hub.events({ startDate: '2021-11-29', endDate: '2021-12-03' }).execute()
    expect(windowed.map((r) => r.event_type)).toEqual(Array(12).fill('ClickEvent'))
    const all = await hub.events().execute()
    expect(all).toHaveLength(12)
    expect(all.filter((r) => r.event_type === 'LateEvent')).toEqual([])
  })

  const models: [string, (h: any) => { execute(): Promise<any[]> }][] = [
    ['uniqueUsers', (h) => h.agg.uniqueUsers(h.events())],
    [
      'uniqueUsers by day, windowed',
      (h) => h.agg.uniqueUsers(h.events({ startDate: '2021-11-30' }), { groupBy: 'day' }),
    ],
    ['sessionDuration', (h) => h.agg.sessionDuration(h.events())],
    ['topProductFeatures', (h) => h.agg.topProductFeatures(h.events())],
  ]
  for (const [name, build] of models)
    it(`agg.${name}`, async () => {
      const expected = await build(new ModelHub(pg, { table: 'data', globalContexts: ['application'] })).execute()
      expect(expected.length).toBeGreaterThan(0)
      const rows = await build(snowplow({ globalContexts: ['application'] })).execute()
      expect(normalized(rows)).toEqual(normalized(expected))
    })
})

describe('the layout option', () => {
  it('defaults to objectiv and rejects other names', async () => {
    const db = await createPgliteDb<any>()
    try {
      expect(new ModelHub(db).settings.layout).toBe('objectiv')
      expect(() => new ModelHub(db, { layout: 'parquet' as never })).toThrow(ModelHubOptionError)
      expect(() => new ModelHub(db, { layout: 'parquet' as never })).toThrow(/option "layout": expected "objectiv"/)
    } finally {
      await db.destroy()
    }
  })

  it('on postgres the snowplow layout is a clear error naming BigQuery', async () => {
    const db = await createPgliteDb<any>()
    try {
      const hub = new ModelHub(db, { layout: 'snowplow' })
      expect(() => hub.events()).toThrow(ModelHubInputError)
      expect(() => hub.events()).toThrow(/snowplow layout .* needs BigQuery/)
    } finally {
      await db.destroy()
    }
  })
})
