import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDataTable, dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { snowplowTable, withoutTypes } from '../fixtures/snowplow-data.ts'
import { describeEachEngine } from '../support/engines.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * Grouping aggregation models by JSON keys — a global context column, a location-stack expression —
 * which GoogleSQL cannot GROUP BY or PARTITION BY directly (engine.groupKey): the same values on
 * Postgres, PGlite and bigquery(zetasql).
 */

const WEB = [{ _type: 'ApplicationContext', id: 'objectiv-website' }]
const DOCS = [{ _type: 'ApplicationContext', id: 'objectiv-docs' }]

const byApplication = (rows: { application: { id: string }[] }[]) =>
  [...rows].sort((a, b) => (a.application[0]!.id < b.application[0]!.id ? -1 : 1))

/** JSON text with object keys sorted, so equal values give equal text whatever the engine's key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** The reference: distinct users per first two location-stack elements, from the fixture. */
function usersPerRoot(snowplow = false): Map<string, number> {
  const users = new Map<string, Set<string>>()
  for (const row of OBJECTIV_DATA) {
    const stack = (row.value.location_stack as unknown[]).slice(0, 2)
    const key = canonical(snowplow ? withoutTypes(stack) : stack)
    users.set(key, (users.get(key) ?? new Set()).add(row.cookie_id))
  }
  return new Map([...users].map(([key, set]) => [key, set.size]))
}

const models = (h: any) => ({
  users: h.agg.uniqueUsers(h.events(), { groupBy: ['application'] }),
  sessions: h.agg.uniqueSessions(h.events(), { groupBy: ['application', { timeAggregation: '%Y' }] }),
  roots: h.agg.uniqueUsers(
    h.events().select((eb: any) => h.ls(eb.ref('location_stack')).slice(0, 2).as('root')),
    { groupBy: 'root' },
  ),
  dropOff: h.agg.dropOffLocations(h.events(), { groupBy: 'application' }),
  funnel: h.agg.funnelConversion(h.events(), { groupBy: 'application' }),
  ordered: h.funnel.orderedSteps(h.events(), {
    steps: [
      { _type: 'OverlayContext', id: 'hamburger-menu' },
      { _type: 'SectionContext', id: 'footer' },
    ],
    groupBy: 'application',
  }),
})

function expectGroupValues(users: any[], roots: any[], snowplow = false) {
  expect(byApplication(users)).toEqual([
    { application: DOCS, unique_users: 3 },
    { application: WEB, unique_users: 4 },
  ])
  const reference = usersPerRoot(snowplow)
  expect(reference.size).toBeGreaterThan(3)
  expect(new Map(roots.map((r) => [canonical(r.root), r.unique_users]))).toEqual(reference)
  expect(Math.max(...reference.values())).toBeGreaterThan(1)
  expect(roots).toHaveLength(reference.size)
}

describeEachEngine(
  'agg grouped by JSON keys',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, globalContexts: ['application'] })

    it('uniqueUsers by a global context and by a location-stack expression', async () => {
      const m = models(hub())
      expectGroupValues(await m.users.execute(), await m.roots.execute())
    })

    it('uniqueSessions by a global context and a time bucket', async () => {
      expect(byApplication(await models(hub()).sessions.execute())).toEqual([
        { application: DOCS, time_aggregation: '2021', unique_sessions: 3 },
        { application: WEB, time_aggregation: '2021', unique_sessions: 6 },
      ])
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)

describe('agg grouped by JSON keys on bigquery(zetasql) equals postgres', () => {
  let pg: Kysely<any>
  let bq: Kysely<any>
  beforeAll(async () => {
    pg = await createPgliteDb<any>()
    await createDataTable(pg, OBJECTIV_DATA)
    const rows = OBJECTIV_DATA.map((r) => ({ ...r, value: JSON.stringify(r.value) }))
    bq = createZetaSqlDb(inject('zetasqlPort'), {
      data: {
        columns: { event_id: 'STRING', day: 'DATE', moment: 'TIMESTAMP', cookie_id: 'STRING', value: 'STRING' },
        rows,
      },
      events: snowplowTable(OBJECTIV_DATA),
    })
  })
  afterAll(async () => {
    await pg?.destroy()
  })

  const pgHub = () => new ModelHub(pg, { globalContexts: ['application'] })
  const hubs = () => [
    new ModelHub(bq, { table: 'data', engine: bigquery, globalContexts: ['application'] }),
    new ModelHub(bq, { layout: 'snowplow', engine: bigquery, globalContexts: ['application'] }),
  ]

  it('the SQL groups by the JSON text and selects any value of the group', () => {
    const { sql } = models(hubs()[0]).users.compile()
    expect(sql).toContain('(any_value(`application`)) as `application`')
    expect(sql).toContain('group by (`application`) is null, to_json_string(`application`)')
  })

  for (const name of ['users', 'sessions', 'roots', 'dropOff', 'funnel', 'ordered'] as const)
    it(`${name}: the objectiv and snowplow layouts give postgres' rows`, async () => {
      const expected = await models(pgHub())[name].execute()
      expect(expected.length).toBeGreaterThan(1)
      for (const [i, h] of hubs().entries()) {
        // Snowplow stores location stacks without `_types`.
        const snowplow = i === 1
        const rows = await models(h)[name].execute()
        if (name === 'users') expectGroupValues(rows, await models(h).roots.execute(), snowplow)
        const reference =
          snowplow && name === 'roots' ? expected.map((r: any) => ({ ...r, root: withoutTypes(r.root) })) : expected
        const order = (list: any[]) => list.map(canonical).sort()
        expect(order(rows)).toEqual(order(reference))
      }
    })
})
