import { sql } from 'kysely'
import type { HubContext } from '../hub/hub-context.ts'
import { type AggregateQuery, aggregate } from './aggregate-query.ts'
import type { GroupBy } from './group-by.ts'

/**
 * Distinct users per group; anonymous users (user_id NULL) are not counted.
 *
 * Shape: select <keys>, count(distinct user_id) as unique_users from events group by <keys>
 */
export function uniqueUsers<R>(
  hub: HubContext,
  q: Parameters<typeof aggregate>[1],
  groupBy: GroupBy<Record<string, unknown>>,
): AggregateQuery<R> {
  return aggregate<R>(hub, q, groupBy, ['user_id'], (eb) => ({
    unique_users: sql<number>`count(distinct ${eb.ref('user_id')})`,
  }))
}
