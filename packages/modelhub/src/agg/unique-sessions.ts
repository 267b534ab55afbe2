import { sql } from 'kysely'
import type { HubContext } from '../hub/hub-context.ts'
import { type AggregateQuery, aggregate } from './aggregate-query.ts'
import type { GroupBy } from './group-by.ts'

/**
 * Distinct sessions per group. A session counts in every group it has events in, like users in
 * `uniqueUsers`: with daily buckets, a session running past midnight counts on both days.
 * Sessions of anonymous users (user_id NULL) count too.
 *
 * Shape: select <keys>, count(distinct session_id) as unique_sessions from events group by <keys>
 *
 * @example hub.agg.uniqueSessions(hub.events(), { groupBy: { timeAggregation: '%Y-%m' } })
 * // → [{ time_aggregation: '2021-11', unique_sessions: 3 }, { time_aggregation: '2021-12', unique_sessions: 4 }]
 */
export function uniqueSessions<R>(
  hub: HubContext,
  q: Parameters<typeof aggregate>[1],
  groupBy: GroupBy<Record<string, unknown>>,
): AggregateQuery<R> {
  return aggregate<R>(hub, q, groupBy, ['session_id'], (eb) => ({
    unique_sessions: sql<number>`count(distinct ${eb.ref('session_id')})`,
  }))
}
