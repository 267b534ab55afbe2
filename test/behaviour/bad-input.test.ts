import { bigquery } from '@kysely-modelhub/bigquery'
import { type Engine, ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub, ModelHubOptionError, requiredColumns } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { createEventsTable } from '@kysely-modelhub/sample-data'
import { type Kysely, sql } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { dataRow, dataTable, OBJECTIV_DATA, userId } from '../fixtures/objectiv-data.ts'
import { SNOWPLOW_COLUMNS, snowplowTable } from '../fixtures/snowplow-data.ts'
import { describeEachEngine, itOnPostgres } from '../support/engines.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * Bad input, one case each, with the exact error: what was wrong and what is valid. Checks made
 * while building a query are the same on every engine, so they run on a hub of each engine
 * (postgres on a Kysely that never connects, bigquery on ZetaSQL); checks that need data run on
 * PGlite, Postgres and bigquery(zetasql).
 */

const DATE_HINT = "expected a calendar date written 'YYYY-MM-DD', e.g. '2022-03-01'"
const CODES = '%Y %m %d %H %M %S %f %y %j %b %h %B %a %A %w %V %G %u %F %T'

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
      expect(() => hub({ sessionIds: 'global' as never })).toThrow(
        new ModelHubOptionError(
          'Invalid model hub options: option "sessionIds": expected "sequential" (1, 2, 3… over the selection, as Objectiv numbers them) or "daily" (the UTC day × 10⁹ + the number within the day; scales on BigQuery)',
        ),
      )
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
      expect(() => hub().addConversionEvent({ name: 'x', locationStack: () => 'Quickstart Guide' as never })).toThrow(
        new ModelHubInputError(
          'conversion "x" locationStack: got "Quickstart Guide"; expected the function to return a part of the stack, such as ls.from({ id: "x" }), or a boolean expression',
        ),
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
        // A column name from `as` too: Postgres would shorten it and the result's key would change.
        const h = hub()
        expect(() => h.map.isNewUser(h.events(), { as: long })).toThrow(
          new ModelHubInputError(
            `as: got "${long}"; the name "${long}" is longer than Postgres' 63 bytes, and Postgres would silently shorten it`,
          ),
        )
      } else {
        // BigQuery's column names are ASCII letters, digits and underscores: the job would fail on the server.
        const h = hub()
        expect(() => h.map.isNewUser(h.events(), { as: 'é'.repeat(32) }).compile()).toThrow(
          `BigQuery refuses the column name "${'é'.repeat(32)}": a name has only letters, digits and underscores`,
        )
        expect(h.map.isNewUser(h.events(), { as: `_${'a'.repeat(299)}` }).compile().sql).toContain('a'.repeat(299))
      }
    })
  })
}

const MALFORMED_VALUE = '{"_type": "PressEvent", "location_stack": ['
const NULL_STACK = dataRow(901, '2021-12-04 10:00:00.000', userId(9), { type: 'PressEvent' })
;(NULL_STACK.value as Record<string, unknown>).location_stack = null
const MALFORMED_ROW = { ...dataRow(902, '2021-12-04 10:00:00.000', userId(9)), value: MALFORMED_VALUE }
const GOOD_ROWS = OBJECTIV_DATA.slice(0, 3)

/** The value column as text on Postgres (STRING on BigQuery), holding one row that is not JSON. */
const TEXT_DATA = {
  ...dataTable(GOOD_ROWS),
  postgresTypes: { event_id: 'uuid', cookie_id: 'uuid', value: 'text' },
  rows: [...dataTable(GOOD_ROWS).rows, MALFORMED_ROW],
}

describeEachEngine(
  'bad data in the table',
  (ctx) => {
    const parseError = () => (ctx.isPostgres ? /invalid input syntax for type json/ : /PARSE_JSON/)

    it('a missing table: a model run fails with the database error naming it', async () => {
      const hub = new ModelHub(ctx.db, { table: 'nowhere' })
      await expect(hub.agg.uniqueUsers(hub.events()).execute()).rejects.toThrow(
        ctx.isPostgres ? /relation "nowhere" does not exist/ : /Table not found: nowhere/,
      )
    })

    itOnPostgres(ctx, 'a missing table: check() says so before any model runs', async () => {
      await expect(new ModelHub(ctx.db, { table: 'nowhere' }).check()).rejects.toThrow(
        new ModelHubInputError(
          'option "table": got "nowhere"; no such table is visible to this connection; the objectiv layout reads a table with columns event_id, day, moment, cookie_id, value',
        ),
      )
      await new ModelHub(ctx.db).check()
    })

    itOnPostgres(ctx, 'a table missing required columns: check() lists them and the columns it has', async () => {
      await expect(new ModelHub(ctx.db, { table: 'partial' }).check()).rejects.toThrow(
        new ModelHubInputError(
          'option "table": got "partial"; the table lacks the columns day, cookie_id, value that the objectiv layout reads (it has event_id, moment, payload)',
        ),
      )
    })

    it('malformed JSON in a text value column fails every query that reads the value (never skipped)', async () => {
      const hub = new ModelHub(ctx.db, { table: 'text_data' })
      await expect(hub.events().execute()).rejects.toThrow(parseError())
      await expect(hub.funnel.navigationPaths(hub.events(), { steps: 2 }).execute()).rejects.toThrow(parseError())
      const converting = hub.addConversionEvent({ name: 'p', eventType: 'PressEvent' })
      await expect(converting.map.isConversionEvent(converting.events(), 'p').execute()).rejects.toThrow(parseError())
      // A model that reads only the row's own columns (cookie, moment) counts the event on every
      // engine: its SQL does not parse the value at all (docs/performance.md, "The SQL a model exports").
      expect(await hub.agg.uniqueUsers(hub.events(), { groupBy: null }).execute()).toEqual([
        { unique_users: new Set([...GOOD_ROWS, MALFORMED_ROW].map((r) => r.cookie_id)).size },
      ])
    })

    itOnPostgres(ctx, 'a json value column cannot hold malformed JSON', async () => {
      await expect(
        sql`insert into data values ('aaaaaaaa-0000-4000-8000-000000000001', '2021-12-04', '2021-12-04 10:00', ${userId(9)}, ${MALFORMED_VALUE})`.execute(
          ctx.db,
        ),
      ).rejects.toThrow(/invalid input syntax for type json/)
    })

    it('a NULL location stack reads as an empty stack: the event counts, its stack operators give [] and NULL names', async () => {
      const hub = new ModelHub(ctx.db, { table: 'with_null_stack' })
      const rows = await hub
        .events()
        .where('event_id', '=', NULL_STACK.event_id)
        .select((eb) => [
          hub.ls(eb.ref('location_stack')).niceName().as('nice'),
          hub.ls(eb.ref('location_stack')).length().as('n'),
          hub.ls(eb.ref('location_stack')).slice(0, 2).as('head'),
          hub.ls(eb.ref('location_stack')).contains({ _type: 'LinkContext' }).as('has_link'),
        ])
        .execute()
      expect(rows.map((r) => [r.location_stack, r.nice, r.n, r.head, r.has_link])).toEqual([[null, null, 0, [], false]])
      expect(await hub.agg.uniqueUsers(hub.events({ startDate: '2021-12-04' }), { groupBy: null }).execute()).toEqual([
        { unique_users: 1 },
      ])
      const paths = await hub.funnel.navigationPaths(hub.events(), { steps: 2 }).execute()
      expect(paths.length).toBeGreaterThan(0)
    })

    itOnPostgres(
      ctx,
      "duplicate event ids cannot enter the collector's table: event_id is its primary key",
      async () => {
        await createEventsTable(ctx.db, { table: 'collected' })
        await sql`insert into collected select event_id, day, moment, cookie_id, value from data limit 1`.execute(
          ctx.db,
        )
        await expect(
          sql`insert into collected select event_id, day, moment, cookie_id, value from data limit 1`.execute(ctx.db),
        ).rejects.toThrow(/duplicate key value violates unique constraint/)
      },
    )
  },
  {
    data: dataTable(OBJECTIV_DATA),
    text_data: TEXT_DATA,
    with_null_stack: dataTable([...OBJECTIV_DATA, NULL_STACK]),
    partial: {
      columns: { event_id: 'STRING', moment: 'TIMESTAMP', payload: 'JSON' },
      postgresTypes: { event_id: 'uuid', payload: 'json' },
      rows: [],
    },
  },
)

describe('the snowplow layout [bigquery(zetasql)]', () => {
  const port = () => inject('zetasqlPort')

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
