import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { sessionsOf, storedEvents } from '../pipeline/session-keys.ts'
import { type AggregateQuery, countDistinct } from './aggregate-query.ts'
import { type GroupBy, groupByColumns } from './group-by.ts'

/**
 * Distinct sessions per group. A session counts in every group it has events in, like users in
 * `uniqueUsers`: with daily buckets, a session running past midnight counts on both days.
 * Sessions of anonymous users (user_id NULL) count too.
 *
 * Over the events pipeline a session is told apart by its key (its user before anonymization and
 * its number within that user), not by session_id: the same groups, without the global numbering
 * and its sort of every event.
 *
 * Shape: select <keys>, count(*) as unique_sessions
 *        from (select <keys>, <session> from events group by <keys>, <session>) as pairs group by <keys>
 *
 * @example hub.agg.uniqueSessions(hub.events(), { groupBy: { timeAggregation: '%Y-%m' } })
 * // → [{ time_aggregation: '2021-11', unique_sessions: 3 }, { time_aggregation: '2021-12', unique_sessions: 4 }]
 */
export function uniqueSessions<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
): AggregateQuery<R> {
  const { query, session } = sessionsOf(q)
  const stored = storedEvents(hub.db, query, groupByColumns(groupBy))
  return countDistinct<R>(hub, stored, groupBy, session as [string, ...string[]], 'unique_sessions', ['session_id'])
}
