import { bigquery } from '@kysely-modelhub/bigquery'
import { describe, expect, inject, it } from 'vitest'
import { EVERY_MODEL, sampleHub } from '../support/every-model.ts'
import { unpartitionedWindows } from '../support/unpartitioned-windows.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * BigQuery runs a window with no PARTITION BY on one worker, so on a large events table it fails
 * ("Resources exceeded"). No model's BigQuery SQL may contain one over the events
 * (docs/semantics.md §S2.1): sessions are counted by per-user keys, and session_id defaults to the
 * day-partitioned numbering there.
 */

const hub = (options: object = {}) =>
  sampleHub(createZetaSqlDb(inject('zetasqlPort')), { engine: bigquery, ...options })

describe('no model needs a window over every event on BigQuery', () => {
  for (const [model, build] of Object.entries(EVERY_MODEL)) {
    it(model, () => {
      expect(unpartitionedWindows(build(hub()).compile().sql)).toEqual([])
      expect(unpartitionedWindows(build(hub({ identityResolution: 'email' })).compile().sql)).toEqual([])
      expect(unpartitionedWindows(build(hub({ layout: 'snowplow', table: 'events' })).compile().sql)).toEqual([])
    })
  }

  it('the check finds the one Objectiv numbering needs, when asked for', () => {
    const windows = unpartitionedWindows(hub({ sessionIds: 'sequential' }).events().compile().sql)
    expect(windows).toHaveLength(1)
    expect(windows[0]).toMatch(
      /sum\(case when `is_start` then 1 else 0 end\) over \(order by `moment`, `event_id` rows/,
    )
  })

  it('allows windows over groups and over one stack’s elements, and nothing else', () => {
    expect(unpartitionedWindows('select a, sum(count(*)) over () from t group by a')).toEqual([])
    expect(unpartitionedWindows('select (select count(*) over () from unnest(x) as e) from t')).toEqual([])
    expect(unpartitionedWindows("select 'over (' as s, row_number() over (partition by u) from t")).toEqual([])
    expect(unpartitionedWindows('select * from (select lag(m) over (order by m) as p from t) group by p')).toHaveLength(
      1,
    )
  })
})
