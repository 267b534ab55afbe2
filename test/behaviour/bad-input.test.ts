import { bigquery } from '@kysely-modelhub/bigquery'
import { type Engine, ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub, ModelHubOptionError, requiredColumns } from '@kysely-modelhub/modelhub'
import { createEventsTable, createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { createDataTable, dataRow, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { SNOWPLOW_COLUMNS, snowplowTable } from '../fixtures/snowplow-data.ts'
import { describeEachEngine } from '../support/engines.ts'
import { createZetaSqlDb, type TableContents } from '../support/zetasql.ts'

/**
 * Bad input, one case each, with the exact error: what was wrong and what is valid. Checks made
 * while building a query are the same on every engine, so they run on a hub of each engine
 * (postgres on a Kysely that never connects, bigquery on ZetaSQL); checks that need data run on
 * PGlite, Postgres and bigquery(zetasql).
 */

const DATE_HINT = "expected a calendar date written 'YYYY-MM-DD', e.g. '2022-03-01'"
const CODES = '%Y %m %d %H %M %S %f %y %j %b %h %B %a %A %w %V %G %u %F %T'

const BIGQUERY_DATA: TableContents['columns'] = {
  event_id: 'STRING',
  day: 'DATE',
  moment: 'TIMESTAMP',
  cookie_id: 'STRING',
  value: 'STRING',
}

/** A BigQuery `data` table (value STRING) holding the rows, values as given (text kept as is). */
function bigQueryData(rows: { event_id: string; day: string; moment: string; cookie_id: string; value: unknown }[]) {
  return {
    columns: BIGQUERY_DATA,
    rows: rows.map((r) => ({ ...r, value: typeof r.value === 'string' ? r.value : JSON.stringify(r.value) })),
  }
}

const ENGINES: [string, () => { db: Kysely<any>; engine: Engine }][] = [
  [
    'postgres',
    () => ({ db: createPostgresDb<any>({ connectionString: 'postgresql://localhost:1/never' }), engine: postgres }),
  ],
  ['bigquery', () => ({ db: createZetaSqlDb(inject('zetasqlPort')), engine: bigquery })],
]

for (const [name, open] of ENGINES) {
  describe(`bad input found while building queries [${name}]`, () => {
    const hub = (options: object = {}) => {
      const { db, engine } = open()
      return new ModelHub(db, { engine, ...options })
    }

    it('invalid dates', () => {
      for (const day of ['2022-13-01', 'x', '2022-02-30', '2022-3-1', '']) {
        expect(() => hub().events({ startDate: day })).toThrow(
          new ModelHubInputError(`startDate: got ${JSON.stringify(day)}; ${DATE_HINT}`),
        )
      }
      expect(() => hub().events({ endDate: 20220301 as never })).toThrow(
        new ModelHubInputError(`endDate: got 20220301; ${DATE_HINT}`),
      )
    })

    it('endDate before startDate', () => {
      expect(() => hub().events({ startDate: '2022-03-02', endDate: '2022-03-01' })).toThrow(
        new ModelHubInputError(
          'endDate: got "2022-03-01"; it is before startDate 2022-03-02; both are inclusive, so use endDate >= startDate',
        ),
      )
    })

    it('unsupported strftime codes, in the option, in timeAgg and in groupBy', () => {
      const message = `time format: got "%Y-%Q"; the code %Q is not supported; use %% for a percent sign and one of ${CODES}`
      expect(() => hub({ timeAggregation: '%Y-%Q' })).toThrow(
        new ModelHubOptionError(`Invalid model hub options: option "timeAggregation": ${message}`),
      )
      expect(() => hub().map.timeAgg(hub().events(), { timeAggregation: '%Y-%Q' })).toThrow(
        new ModelHubInputError(message),
      )
      expect(() => hub().agg.uniqueUsers(hub().events(), { groupBy: { timeAggregation: '%Y-%Q' } })).toThrow(
        new ModelHubInputError(message),
      )
      expect(() => hub({ timeAggregation: '%Y%' })).toThrow(/a lone "%" at the end is not supported/)
    })

    it('negative or non-integer session gaps and conversion windows', () => {
      expect(() => hub({ sessionGapSeconds: -1 })).toThrow(
        new ModelHubOptionError('Invalid model hub options: option "sessionGapSeconds": expected 0 or more seconds'),
      )
      expect(() => hub({ sessionGapSeconds: 1.5 })).toThrow(
        new ModelHubOptionError(
          'Invalid model hub options: option "sessionGapSeconds": expected a whole number of seconds',
        ),
      )
      expect(() => hub({ sessionGapSeconds: Number.NaN })).toThrow(/option "sessionGapSeconds"/)
      expect(() =>
        hub().funnel.orderedSteps(hub().events(), {
          steps: [{ _type: 'LinkContext' }],
          conversionWindowSeconds: -5,
        }),
      ).toThrow(new ModelHubInputError('conversionWindowSeconds: got -5; expected a number of seconds, 0 or more'))
    })

    it('unknown conversion names, listing the known ones', () => {
      const h = hub().addConversionEvent({ name: 'presses', eventType: 'PressEvent' })
      expect(() => h.map.isConversionEvent(h.events(), 'clicks' as never)).toThrow(
        new ModelHubInputError(
          'conversion name: got "clicks"; it is not labeled as a conversion; known conversions: "presses"',
        ),
      )
      expect(() => hub().map.conversionsCounter(hub().events(), 'clicks' as never)).toThrow(
        new ModelHubInputError(
          'conversion name: got "clicks"; it is not labeled as a conversion; add one with hub.addConversionEvent({ name, locationStack, eventType })',
        ),
      )
    })

    it('empty or malformed addConversionEvent', () => {
      expect(() => hub().addConversionEvent({ name: 'nothing' })).toThrow(
        new ModelHubInputError('conversion event: got "nothing"; give at least one of locationStack and eventType'),
      )
      expect(() => hub().addConversionEvent({} as never)).toThrow(
        new ModelHubInputError('conversion name: got undefined; expected a non-empty string'),
      )
      expect(() => hub().addConversionEvent({ name: '', eventType: 'PressEvent' })).toThrow(
        new ModelHubInputError('conversion name: got ""; expected a non-empty string'),
      )
      expect(() => hub().addConversionEvent({ name: 'x', eventType: '' })).toThrow(
        new ModelHubInputError('conversion "x" eventType: got ""; expected an event type such as "PressEvent"'),
      )
    })

    it('table names that cannot name one table', () => {
      const shape =
        name === 'bigquery'
          ? 'expected "events", "dataset.events" or "project.dataset.events": one to three non-empty names joined by "."'
          : 'expected "data" or "schema.data": one or two non-empty names joined by "."'
      const tooMany = name === 'bigquery' ? 'a.b.c.d' : 'a.b.c'
      for (const table of ['a..b', '.data', tooMany]) {
        expect(() => hub({ table })).toThrow(
          new ModelHubInputError(`option "table": got ${JSON.stringify(table)}; ${shape}`),
        )
      }
      expect(() => hub({ table: '' })).toThrow(/option "table": expected a table name/)
      expect(() => hub({ table: 'da\u0000ta' })).toThrow(/text may not contain the NUL character/)
      if (name === 'postgres') {
        const long = 'é'.repeat(32)
        expect(() => hub({ table: long })).toThrow(
          new ModelHubInputError(
            `option "table": got "${long}"; the name "${long}" is longer than Postgres' 63 bytes, and Postgres would silently shorten it`,
          ),
        )
      }
    })
  })
}

const MALFORMED_VALUE = '{"_type": "PressEvent", "location_stack": ['
const NULL_STACK = dataRow(901, '2021-12-04 10:00:00.000', userId(9), { type: 'PressEvent' })
;(NULL_STACK.value as Record<string, unknown>).location_stack = null

describeEachEngine(
  'bad data in the table',
  (ctx) => {
    it('a missing table: check() says so before any model runs; a model run fails with the database error', async () => {
      const hub = new ModelHub(ctx.db, { table: 'nowhere' })
      await expect(hub.check()).rejects.toThrow(
        new ModelHubInputError(
          'option "table": got "nowhere"; no such table is visible to this connection; the objectiv layout reads a table with columns event_id, day, moment, cookie_id, value',
        ),
      )
      await expect(hub.agg.uniqueUsers(hub.events()).execute()).rejects.toThrow(/relation "nowhere" does not exist/)
    })

    it('a table missing required columns: check() lists them and the columns it has', async () => {
      await sql`create table partial (event_id uuid, moment timestamp, payload json)`.execute(ctx.db)
      await expect(new ModelHub(ctx.db, { table: 'partial' }).check()).rejects.toThrow(
        new ModelHubInputError(
          'option "table": got "partial"; the table lacks the columns day, cookie_id, value that the objectiv layout reads (it has event_id, moment, payload)',
        ),
      )
      await new ModelHub(ctx.db).check()
    })

    it('malformed JSON in a text value column fails every query that reads the value (never skipped); a json column cannot hold it', async () => {
      await createDataTable(ctx.db, OBJECTIV_DATA.slice(0, 3), 'text_data', 'text')
      const hub = new ModelHub(ctx.db, { table: 'text_data' })
      const before = await hub.events().execute()
      await sql`insert into text_data values ('aaaaaaaa-0000-4000-8000-000000000001', '2021-12-04', '2021-12-04 10:00', ${userId(9)}, ${MALFORMED_VALUE})`.execute(
        ctx.db,
      )
      const syntax = /invalid input syntax for type json/
      await expect(hub.events().execute()).rejects.toThrow(syntax)
      await expect(hub.agg.sessionDuration(hub.events()).execute()).resolves.toBeDefined()
      await expect(hub.funnel.navigationPaths(hub.events(), { steps: 2 }).execute()).rejects.toThrow(syntax)
      const converting = hub.addConversionEvent({ name: 'p', eventType: 'PressEvent' })
      await expect(converting.map.isConversionEvent(converting.events(), 'p').execute()).rejects.toThrow(syntax)
      // A model that reads only the row's own columns (cookie, moment) counts the event.
      expect(await hub.agg.uniqueUsers(hub.events(), { groupBy: null }).execute()).toEqual([
        { unique_users: new Set([...before.map((e) => e.user_id), userId(9)]).size },
      ])
      await expect(
        sql`insert into data values ('aaaaaaaa-0000-4000-8000-000000000001', '2021-12-04', '2021-12-04 10:00', ${userId(9)}, ${MALFORMED_VALUE})`.execute(
          ctx.db,
        ),
      ).rejects.toThrow(syntax)
    })

    it('a NULL location stack reads as an empty stack: the event counts, its stack operators give [] and NULL names', async () => {
      await createDataTable(ctx.db, [...OBJECTIV_DATA, NULL_STACK], 'with_null_stack')
      const hub = new ModelHub(ctx.db, { table: 'with_null_stack' })
      const rows = await hub
        .events()
        .where('event_id', '=', NULL_STACK.event_id)
        .select((eb) => [
          hub.ls(eb.ref('location_stack')).niceName().as('nice'),
          hub.ls(eb.ref('location_stack')).length().as('n'),
        ])
        .execute()
      expect(rows.map((r) => [r.location_stack, r.nice, r.n])).toEqual([[null, null, 0]])
      expect(await hub.agg.uniqueUsers(hub.events({ startDate: '2021-12-04' }), { groupBy: null }).execute()).toEqual([
        { unique_users: 1 },
      ])
      const paths = await hub.funnel.navigationPaths(hub.events(), { steps: 2 }).execute()
      expect(paths.length).toBeGreaterThan(0)
    })

    it('duplicate event ids cannot enter the objectiv table: event_id is its primary key', async () => {
      await expect(sql`insert into data select * from data limit 1`.execute(ctx.db)).rejects.toThrow(
        /duplicate key value violates unique constraint/,
      )
    })
  },
  async (db) => {
    await createEventsTable(db)
    await db
      .insertInto('data')
      .values(OBJECTIV_DATA.map((r) => ({ ...r, value: JSON.stringify(r.value) })))
      .execute()
  },
)

describe('bad data in the table [bigquery(zetasql)]', () => {
  const port = () => inject('zetasqlPort')

  it('malformed JSON in the STRING value column fails the query (never skipped)', async () => {
    const rows = [...OBJECTIV_DATA.slice(0, 3), { ...OBJECTIV_DATA[3]!, value: MALFORMED_VALUE }]
    const hub = new ModelHub(createZetaSqlDb(port(), { data: bigQueryData(rows) }), { table: 'data' })
    await expect(hub.events().execute()).rejects.toThrow(/PARSE_JSON/)
    await expect(hub.funnel.navigationPaths(hub.events(), { steps: 2 }).execute()).rejects.toThrow(/PARSE_JSON/)
  })

  it('a NULL location stack reads as an empty stack', async () => {
    const hub = new ModelHub(createZetaSqlDb(port(), { data: bigQueryData([...OBJECTIV_DATA, NULL_STACK]) }), {
      table: 'data',
    })
    const rows = await hub
      .events()
      .where('event_id', '=', NULL_STACK.event_id)
      .select((eb) => [
        hub.ls(eb.ref('location_stack')).niceName().as('nice'),
        hub.ls(eb.ref('location_stack')).length().as('n'),
      ])
      .execute()
    expect(rows.map((r) => [r.location_stack, r.nice, r.n])).toEqual([[null, null, 0]])
  })

  it("check() asks a snowplow table for the columns the snowplow fixture (the loader's layout) has", () => {
    const needed = requiredColumns({
      layout: 'snowplow',
      globalContexts: ['application', 'http'],
      identityResolution: 'email',
    })
    expect(needed.filter((column) => !(column in SNOWPLOW_COLUMNS))).toEqual([])
    expect(needed).toContain('contexts_io_objectiv_context_identity_context_1_0_0')
  })

  it('duplicate event ids in the snowplow layout are read once (the earliest collected)', async () => {
    const table = snowplowTable(OBJECTIV_DATA)
    expect(table.rows.length).toBeGreaterThan(OBJECTIV_DATA.length)
    const hub = new ModelHub(createZetaSqlDb(port(), { events: table }), { layout: 'snowplow' })
    const events = await hub.events().select(['event_id', 'event_type']).execute()
    expect(events.map((e) => e.event_id).sort()).toEqual(OBJECTIV_DATA.map((r) => r.event_id).sort())
    expect(events.some((e) => e.event_type === 'DuplicateEvent')).toBe(false)
  })
})
