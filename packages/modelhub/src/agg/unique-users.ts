import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { type AggregateQuery, countDistinct } from './aggregate-query.ts'
import { type GroupBy, groupByColumns } from './group-by.ts'

/**
 * Distinct users per group; anonymous users (user_id NULL) are not counted.
 *
 * Shape: select <keys>, count(user_id) as unique_users
 *        from (select <keys>, user_id from events group by <keys>, user_id) as pairs group by <keys>
 */
export function uniqueUsers<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
): AggregateQuery<R> {
  // Users and moments as stored: counted and bucketed, never returned.
  return countDistinct<R>(hub, storedEvents(hub.db, q, groupByColumns(groupBy)), groupBy, ['user_id'], 'unique_users')
}
